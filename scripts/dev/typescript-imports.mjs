/**
 * Lets Node run src/ as it is: Node strips the types itself (the sources use erasable syntax
 * only, tsconfig's erasableSyntaxOnly), and this hook maps the `./x.js` specifiers that
 * TypeScript's NodeNext resolution asks for onto the `./x.ts` files that exist in src/.
 * Used by the dev server (nodemon.json) instead of tsx: a synchronous, in-thread hook costs
 * less per restart than a loader on a hooks thread (docs/dev-loop.md has the figures).
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !relative || !specifier.endsWith('.js')) throw error;
      return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context);
    }
  },
});
