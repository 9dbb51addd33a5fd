/** The helm binary scripts/tools/helm.sh provides (on PATH, or extracted into .tools/), looked up once per process. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HELM_SH = fileURLToPath(new URL('./helm.sh', import.meta.url));
let cached: string | undefined;

export function helmBinary(): string {
  cached ??= execFileSync(HELM_SH, { encoding: 'utf8' }).trim();
  return cached;
}
