// ESLint flat config. typescript-eslint's recommendedTypeChecked: the type-aware rules that catch
// real bugs (floating and misused promises, unsafe any flowing out of JSON.parse and untyped
// libraries, awaiting non-promises) without strictTypeChecked's style opinions, which would
// fight choices the code makes on purpose (non-null assertions are already banned by habit,
// `as` casts after an io-ts decode). eslint-config-prettier last: formatting is Prettier's alone.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** What plain JavaScript files here use of Node's globals (TypeScript files get them from @types/node). */
const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'fetch', 'AbortSignal', 'setTimeout', 'clearTimeout'].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  // .tools/: unpacked tools, among them tilt-extensions (JavaScript of its own) for the Tiltfile tests.
  { ignores: ['dist/', 'node_modules/', '.cache/', '.bench/', 'coverage/', '.tools/', 'test/client/whc-api.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*/*.mjs', 'scripts/*/*.cjs', 'test/reporters/*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Unused names are tsc's job (noUnusedLocals, noUnusedParameters); `_name` marks a deliberate one.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked, languageOptions: { globals: NODE_GLOBALS } },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // chai's property assertions (`expect(x).to.be.true`) are expressions by design.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    // Rendered manifests, Tiltfile evaluations and podman's inspect output are untyped YAML/JSON
    // documents walked by path; their shape is checked against the Kubernetes schemas
    // (kubernetes-models) and by the assertions themselves, so typing each walk would add casts, not safety.
    files: ['test/k8s/**/*.ts', 'test/tilt/**/*.ts', 'test/pods/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  prettier,
  {
    // Prettier lays code out at its printWidth (140; a literal it cannot break may overrun it) but
    // leaves comments as written: comments are held to the same width here, code is Prettier's alone.
    rules: { 'max-len': ['error', { code: Infinity, comments: 140, ignoreUrls: true }] },
  },
);
