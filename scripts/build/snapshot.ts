/**
 * Builds the service's startup snapshot (src/snapshot/entry.ts says what it holds), the last step
 * of `npm run build`:
 *   [DATA_FILE=...] tsx scripts/build/snapshot.ts [blob]    (default: dist/snapshot/whc-api.blob)
 * started with `node --snapshot-blob <blob>` (npm start, the image's CMD). The blob is tied to the
 * Node binary that built it: another version refuses it (exit 14, with a message saying so), so
 * `npm run build` runs again after a change of Node, and the image builds its own. Node warns that
 * several built-in modules are not verified in snapshots (folded into one line below):
 * test/build/snapshot.test.ts checks the answers against the service's. A snapshot entry may only
 * `require` Node's built-in modules, so esbuild bundles it into one CommonJS file first, as
 * bundle.ts bundles the service (but not as ESM: the builder runs CommonJS only). Build the blob
 * where it runs, at the same absolute path (the repository's dist/, the image's /app/dist/):
 * Swagger UI's files are found from the bundle's place while the snapshot is built, and their
 * absolute paths kept in it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * `node:http` and `node:https` load the `http_parser` binding, which the snapshot builder cannot
 * serialize: a script that only requires `node:http` aborts it ("global handle not serialized",
 * CheckGlobalAndEternalHandles; http is not among the built-ins verified for user-land snapshots,
 * nodejs/node#44014, nodejs/single-executable#80). egg's bundler stubs the network stack the same
 * way for its snapshots (eggjs/egg#6011). Koa, @koa/router, cookies, prom-client and src/ require them when their modules
 * are evaluated, but use them only when called. Each require gets an object with the module's
 * export names (read here, outside the builder) as getters that require the real module on first
 * use: after deserialization, at the first request or listen.
 */
const LAZY = /^(node:)?https?$/;
/** Tables of this Node binary, the same in every process of it (the blob is tied to the binary anyway). */
const CONSTANTS = { METHODS: true, STATUS_CODES: true };
const lazyHttp: Plugin = {
  name: 'lazy-http',
  setup(build) {
    build.onResolve({ filter: LAZY }, (args) =>
      args.namespace === 'lazy-http'
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-http' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-http' }, async (args) => {
      const real = (await import(`node:${args.path}`)) as Record<string, unknown>;
      const names = Object.keys(real).filter((name) => name !== 'default' && !(name in CONSTANTS));
      // @koa/router reads `METHODS` as its module is evaluated: the tables are copied in, as they are.
      const constants = Object.keys(CONSTANTS).filter((name) => name in real);
      const contents = [
        'let real;',
        `const load = () => (real ??= require(${JSON.stringify(`node:${args.path}`)}));`,
        `module.exports = Object.defineProperties(${JSON.stringify(Object.fromEntries(constants.map((name) => [name, real[name]])))}, Object.fromEntries(${JSON.stringify(names)}.map((name) => [name, { enumerable: true, get: () => load()[name] }])));`,
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

/**
 * depd (koa's http-errors, http-assert and cookies) reads the V8 call sites of its caller when a
 * module calls `depd(namespace)`, and the builder cannot serialize the heap after that: it aborts
 * with a C++ `std::length_error` in V8's `Serializer::ObjectSerializer::VisitPointers` (reproduced
 * without depd: keep one object of `Error.prepareStackTrace = (_, sites) => sites` reachable).
 * (depd 1.1.2, under http-assert, reads them as its own module is evaluated.) So depd is required,
 * and each `depd(namespace)` made, on its first warning, after deserialization.
 */
const lazyDepd: Plugin = {
  name: 'lazy-depd',
  setup(build) {
    build.onResolve({ filter: /^depd$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await build.resolve('depd', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      return { path: real.path, namespace: 'lazy-depd' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-depd' }, (args) => ({
      contents: [
        'let depd;',
        'module.exports = function lazyDepd(namespace) {',
        '  let real;',
        `  const load = () => (real ??= (depd ??= require(${JSON.stringify(args.path)}))(namespace));`,
        '  const deprecate = (message) => load()(message);',
        '  deprecate.function = (fn, message) => { let wrapped; return function (...args) { wrapped ??= load().function(fn, message); return wrapped.apply(this, args); }; };',
        // cookies wraps a property as its module is evaluated: the real wrapper is put in place at its first use.
        '  deprecate.property = (obj, prop, message) => {',
        '    const own = Object.getOwnPropertyDescriptor(obj, prop);',
        '    const wrap = () => { Object.defineProperty(obj, prop, own); load().property(obj, prop, message); };',
        '    Object.defineProperty(obj, prop, { configurable: true, enumerable: own.enumerable,',
        '      get() { wrap(); return this[prop]; }, set(value) { wrap(); this[prop] = value; } });',
        '  };',
        '  return deprecate;',
        '};',
      ].join('\n'),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

const blob = process.argv[2] ?? 'dist/snapshot/whc-api.blob';
const script = join(dirname(blob), 'entry.cjs');
mkdirSync(dirname(blob), { recursive: true });
await build({
  entryPoints: ['src/snapshot/entry.ts'],
  outfile: script,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  // docs.ts finds Swagger UI's files from `import.meta.url`, which CommonJS has not: the bundle's
  // own URL stands in (resolved while the snapshot is built, so the files must stay where they are).
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyHttp, lazyDepd],
  logLevel: 'warning',
});
/**
 * Node's three-line warning for each built-in module it has not verified in snapshots (a dozen
 * lines at every build, the same each time), and its hint to trace them: folded into one line.
 * Anything else the builder writes is passed on as it is.
 */
const UNVERIFIED =
  /^\(node:\d+\) Warning: It's not yet fully verified whether built-in module "([^"]+)" works in user snapshot builder scripts\.\n(?:It may still.*\n)?(?:To request support.*\n)?/gm;
const TRACE_HINT = /^\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/m;

const built = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', script], {
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (built.error !== undefined) {
  process.stderr.write(`snapshot: cannot run node --build-snapshot ${script}: ${built.error.message}\n`);
  process.exit(1);
}
const unverified = [...built.stderr.matchAll(UNVERIFIED)].map((match) => match[1]);
process.stderr.write(built.stderr.replace(UNVERIFIED, '').replace(TRACE_HINT, ''));
if (built.status !== 0) {
  process.stderr.write(`snapshot: node --build-snapshot ${script} failed (${built.signal ?? `exit ${built.status}`})\n`);
  process.exit(1);
}
const note =
  unverified.length === 0
    ? ''
    : `; Node has not verified ${unverified.join(', ')} in snapshots (test/build/snapshot.test.ts checks the answers)`;
process.stdout.write(`snapshot: ${blob}, ${(statSync(blob).size / 1024 / 1024).toFixed(1)} MiB${note}\n`);
