/**
 * The images the rehearsal runs: both targets of the real Dockerfile, built by buildah from the
 * files git knows (scripts/container/build-image.sh), once per test run. podman shares buildah's
 * storage (scripts/container/podman.sh), so they need no copy.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../k8s/helm.js';

export const IMAGE_REPOSITORY = 'localhost/whc-api';
export const IMAGE_TAGS = { dev: 'rehearsal-dev', production: 'rehearsal' } as const;
export type Target = keyof typeof IMAGE_TAGS;

const built = new Map<Target, number>();

/** Builds the target (once) and returns how long it took, in ms (0 when already built). */
export function buildImage(target: Target): number {
  if (built.has(target)) return 0;
  const start = Date.now();
  const result = spawnSync(join(ROOT, 'scripts/container/build-image.sh'), [target, `${IMAGE_REPOSITORY}:${IMAGE_TAGS[target]}`], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the ${target} image failed:\n${result.stderr.slice(-4000)}`);
  const ms = Date.now() - start;
  built.set(target, ms);
  return ms;
}
