/**
 * Tilt's live update, done the way Tilt does it on a Kubernetes pod
 * (tilt-dev/tilt internal/containerupdate/exec_updater.go, internal/build/tar.go): the changed
 * files that a sync() covers go into a tar archive under their container paths (owner and group
 * cleared, modes and mtimes kept), piped to `tar -C / -x -f -` run through exec in the container
 * as its own user; then each run() step whose trigger matches a changed file (or that has none)
 * runs the same way as `sh -c CMD`. The rules come from the Tiltfile itself, through the shim's
 * record of its docker_build() call: nothing here repeats them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onlyCall, type ShimRecord } from '../tilt/shim.js';
import { execAsync } from './podman.js';

export interface SyncRule {
  localPath: string;
  remotePath: string;
}
export interface RunRule {
  cmd: string;
  trigger: string[];
}
export interface LiveUpdateRules {
  dockerfile: string;
  only: string[];
  ignore: string[];
  syncs: SyncRule[];
  runs: RunRule[];
  fallBackOn: string[];
}

export function liveUpdateRules(record: ShimRecord): LiveUpdateRules {
  const build = onlyCall(record, 'docker_build').args;
  const steps = (build['live_update'] ?? []) as {
    _type: string;
    local_path?: string;
    remote_path?: string;
    cmd?: string;
    trigger?: string[];
    files?: string[];
  }[];
  return {
    dockerfile: (build['dockerfile'] as string | undefined) ?? 'Dockerfile',
    only: (build['only'] ?? []) as string[],
    ignore: (build['ignore'] ?? []) as string[],
    syncs: steps.filter((s) => s._type === 'sync').map((s) => ({ localPath: s.local_path as string, remotePath: s.remote_path as string })),
    runs: steps.filter((s) => s._type === 'run').map((s) => ({ cmd: s.cmd as string, trigger: s.trigger ?? [] })),
    fallBackOn: steps.filter((s) => s._type === 'fall_back_on').flatMap((s) => s.files ?? []),
  };
}

/** `path` is `rule` or lies below it (paths relative to the Tiltfile's directory, as Tilt matches them). */
const covers = (rule: string, path: string) => path === rule || path.startsWith(`${rule.replace(/\/$/, '')}/`);

export interface CopiedFile {
  local: string;
  remote: string;
}
export type Decision =
  | { action: 'none'; reason: string }
  | { action: 'rebuild'; reason: string }
  | { action: 'live-update'; files: CopiedFile[]; runs: RunRule[] };

/** What Tilt does when these files change (paths relative to the Tiltfile's directory). */
export function decide(rules: LiveUpdateRules, changed: readonly string[]): Decision {
  // Tilt reads these when it loads the Tiltfile: an edit re-runs it, and a new image spec means a full build.
  const readByTiltfile = changed.find((f) => f === rules.dockerfile || f === '.dockerignore' || f === 'Tiltfile');
  if (readByTiltfile !== undefined)
    return { action: 'rebuild', reason: `${readByTiltfile} is read by the Tiltfile: Tilt re-runs it and builds the image` };
  const inImage = changed.filter(
    (f) => (rules.only.length === 0 || rules.only.some((o) => covers(o, f))) && !rules.ignore.some((i) => covers(i, f)),
  );
  if (inImage.length === 0) return { action: 'none', reason: 'no changed file is in the image build context' };
  const fallBack = inImage.find((f) => rules.fallBackOn.some((r) => covers(r, f)));
  if (fallBack !== undefined) return { action: 'rebuild', reason: `${fallBack} matches fall_back_on()` };
  const files: CopiedFile[] = [];
  for (const local of inImage) {
    const sync = rules.syncs.find((s) => covers(s.localPath, local));
    if (sync === undefined) return { action: 'rebuild', reason: `${local} is in the image but no sync() covers it` };
    files.push({ local, remote: sync.remotePath + local.slice(sync.localPath.length) });
  }
  const runs = rules.runs.filter((r) => r.trigger.length === 0 || r.trigger.some((t) => inImage.some((f) => covers(t, f))));
  return { action: 'live-update', files, runs };
}

export interface StepResult {
  cmd: string;
  ms: number;
  status: number;
  output: string;
}
export interface UpdateResult {
  /** Start of the copy (Date.now()), from which the rehearsal times each answer. */
  startedAt: number;
  copyMs: number;
  runs: StepResult[];
}

/**
 * Copies the files and runs the steps of a live-update decision into the container, as Tilt
 * does. A failed copy throws (Tilt would fall back to a full build); a failed run step is
 * returned (Tilt shows it and keeps the container, the next change updates it again).
 */
export async function applyLiveUpdate(
  container: string,
  workspace: string,
  decision: Extract<Decision, { action: 'live-update' }>,
  runEnv: Record<string, string> = {},
): Promise<UpdateResult> {
  const stage = mkdtempSync(join(tmpdir(), 'whc-live-update-'));
  try {
    const names: string[] = [];
    for (const file of decision.files) {
      const name = file.remote.replace(/^\/+/, '');
      mkdirSync(dirname(join(stage, name)), { recursive: true });
      cpSync(join(workspace, file.local), join(stage, name), { preserveTimestamps: true });
      if (!statSync(join(stage, name)).isFile()) throw new Error(`${file.local}: only regular files are rehearsed`);
      names.push(name);
    }
    const archive = execFileSync('tar', ['-C', stage, '-c', '-f', '-', '--owner=0', '--group=0', '--numeric-owner', ...names], {
      maxBuffer: 256 * 1024 * 1024,
    });
    const startedAt = Date.now();
    const copy = await execAsync(container, ['tar', '-C', '/', '-x', '-f', '-'], { input: archive });
    const copyMs = Date.now() - startedAt;
    if (copy.status !== 0) throw new Error(`copying changed files failed (tar exit ${copy.status}): ${copy.stderr}${copy.stdout}`);
    const runs: StepResult[] = [];
    for (const run of decision.runs) {
      const start = Date.now();
      const result = await execAsync(container, ['sh', '-c', run.cmd], { env: runEnv });
      runs.push({ cmd: run.cmd, ms: Date.now() - start, status: result.status, output: (result.stdout + result.stderr).slice(-2000) });
      if (result.status !== 0) break;
    }
    return { startedAt, copyMs, runs };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
