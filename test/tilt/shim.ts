/**
 * The Tiltfile evaluated by a real Starlark interpreter with stand-ins for Tilt's builtins
 * (scripts/tilt/shim), which records every call: the Tiltfile tests assert on the record, and
 * the pod rehearsal takes its live-update rules from it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { helmBinary } from '../../scripts/tools/helm-binary.js';
import { ROOT } from '../k8s/helm.js';

export interface Call {
  fn: string;
  args: Record<string, any>;
}
export interface ShimRecord {
  calls: Call[];
  config_flags: string[];
}

let shim: string | undefined;
/** The shim's path, built on first use; undefined where Go is missing (outside CI). */
export function shimPath(): string | undefined {
  if (shim !== undefined) return shim;
  const result = spawnSync(join(ROOT, 'scripts/tilt/build-shim.sh'), { encoding: 'utf8' });
  if (result.status === 0) shim = result.stdout.trim();
  else if (process.env['CI']) throw new Error(`cannot build the Tiltfile shim: ${result.stderr}`);
  return shim;
}

export function evaluate(
  tiltfile = join(ROOT, 'Tiltfile'),
  subcommand = 'up',
  args: string[] = [],
  env: Record<string, string> = {},
): { status: number; record?: ShimRecord; stderr: string } {
  const result = spawnSync(shimPath() ?? '', ['-tiltfile', tiltfile, '-subcommand', subcommand, '--', ...args], {
    encoding: 'utf8',
    env: { ...process.env, HELM: helmBinary(), ...env },
  });
  return {
    status: result.status ?? -1,
    stderr: result.stderr,
    ...(result.status === 0 ? { record: JSON.parse(result.stdout) as ShimRecord } : {}),
  };
}

export const callsOf = (record: ShimRecord, fn: string): Call[] => record.calls.filter((c) => c.fn === fn);

export function onlyCall(record: ShimRecord, fn: string): Call {
  const found = callsOf(record, fn);
  if (found.length !== 1) throw new Error(`expected one ${fn}() call, found ${found.length}`);
  return found[0] as Call;
}
