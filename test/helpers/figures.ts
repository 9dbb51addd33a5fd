/** Tests of reliability record what they tried and measured; `npm run reliability` turns it into docs/reliability.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIGURES_DIR = fileURLToPath(new URL('../../.cache/reliability', import.meta.url));
/** RELIABILITY_LONG=1 runs the long variants (more cases, longer load). */
export const LONG = process.env['RELIABILITY_LONG'] === '1';

export function recordFigures(test: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(
    `${FIGURES_DIR}/${test}.json`,
    `${JSON.stringify({ test, long: LONG, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}
