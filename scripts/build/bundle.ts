/**
 * `npm run build`, second step (the first type-checks src/): bundles the service and the data
 * CLI with esbuild into dist/, which is what `npm start` and the production image run.
 *
 * Why a bundle rather than tsc's one-file-per-module output: start-up. Node resolves, reads and
 * compiles each of the ~400 files of the service and its dependencies one by one; one file per
 * entry point cut process-start-to-ready on the bundled CSV by about 80 ms of ~480 on the
 * reference machine (docs/benchmarks.md). Nothing is minified, so stack traces keep their
 * names, and each output has a source map for `NODE_OPTIONS=--enable-source-maps`.
 *
 *   tsx scripts/build/bundle.ts [outdir]    (default: dist)
 *
 * What stays outside the bundle: Swagger UI's files (read from the installed swagger-ui-dist at
 * run time, see src/http/routes/docs.ts), so the production image keeps its production
 * node_modules.
 */
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist';

await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/main.ts', 'src/cli/data.ts'],
  outbase: 'src',
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Shared code goes to chunks; `import()`s (koa-bodyparser, loaded on the first POST) stay lazy.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  // The CommonJS dependencies (koa, pino, prom-client, ...) call require() for Node's built-in
  // modules; an ES module has no require, so every output gets one.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});

const bytes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.js'))
  .map(([file, output]) => `${file} ${(output.bytes / 1024).toFixed(0)} KiB`);
process.stdout.write(`bundled into ${outdir}/: ${bytes.join(', ')}\n`);
