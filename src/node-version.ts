/**
 * Stops the process with one clear line on a Node.js older than the project supports, instead of
 * a late, puzzling failure. Imported first by main.ts, snapshot/entry.ts (whose build it stops)
 * and cli/data.ts, and importing nothing, so that it runs before any other module (ES modules are
 * evaluated in import order). Besides lifecycle.ts, the only module that exits the process:
 * nothing may run after it on a wrong Node.
 * scripts/tools/check-node.cjs does the same for npm's scripts (reading package.json's engines);
 * test/node-version.test.ts runs both on an old Node and checks this minimum equals the engines'.
 */
export const MINIMUM_NODE_MAJOR = 24;

const major = Number(process.versions.node.split('.')[0]);
if (major < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `whc-api needs Node.js ${MINIMUM_NODE_MAJOR} or later (package.json engines); this is Node.js ${process.version} (${process.execPath}).\n`,
  );
  process.exit(1);
}
