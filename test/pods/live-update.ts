/**
 * Tilt's live update, done the way Tilt does it on a Kubernetes pod
 * (tilt-dev/tilt internal/containerupdate/exec_updater.go, internal/build/tar.go): the changed
 * files that a sync() covers go into a tar archive under their container paths (owner and group
 * cleared, modes and mtimes kept), piped to `tar -C / -x -f -` run through exec in the container
 * as its own user; then each run() step whose trigger matches a changed file (or that has none)
 * runs the same way as `sh -c CMD`. The rules come from the Tiltfile itself, as real Tilt loads it
 * (test/tilt/tiltfile-result.ts): nothing here repeats them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { imageTarget, type TiltfileResult } from '../tilt/tiltfile-result.js';
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
  /** Files whose change makes Tilt run the Tiltfile again (the Dockerfile, .dockerignore, the Tiltfile...). */
  configFiles: string[];
  /** The build context's ignore lists (only=, .dockerignore, the Tiltfile), each in .dockerignore syntax. */
  contextIgnores: string[][];
  syncs: SyncRule[];
  runs: RunRule[];
  fallBackOn: string[];
}

export function liveUpdateRules(result: TiltfileResult): LiveUpdateRules {
  const target = imageTarget(result);
  const spec = target.LiveUpdateSpec;
  // Tilt gives paths relative to the Tiltfile's directory, or absolute: these rules use the former.
  const fromBase = (path: string) => relative(spec.basePath, resolve(spec.basePath, path));
  const inBase = (path: string) => !fromBase(path).startsWith('..');
  return {
    configFiles: result.ConfigFiles.filter(inBase).map(fromBase),
    contextIgnores: (target.BuildDetails.contextIgnores ?? [])
      .filter((i) => inBase(i.basePath))
      // A list without patterns ignores its basePath itself (Tilt adds one for the Tiltfile).
      .map((i) => i.patterns ?? [fromBase(i.basePath)]),
    syncs: (spec.syncs ?? []).map((s) => ({ localPath: fromBase(s.localPath), remotePath: s.containerPath })),
    runs: (spec.execs ?? []).map((e) => ({
      cmd: e.args[0] === 'sh' && e.args[1] === '-c' && e.args.length === 3 ? (e.args[2] as string) : e.args.join(' '),
      trigger: (e.triggerPaths ?? []).map(fromBase),
    })),
    fallBackOn: (spec.stopPaths ?? []).map(fromBase),
  };
}

/** `path` is `rule` or lies below it (paths relative to the Tiltfile's directory, as Tilt matches them). */
const covers = (rule: string, path: string) => path === rule || path.startsWith(`${rule.replace(/\/$/, '')}/`);

/**
 * Whether a list in .dockerignore syntax leaves `path` out: the last pattern that matches the path
 * or a folder above it decides, `!` taking it back in (Docker's ".dockerignore file" reference).
 * Only the patterns these lists use are understood: `*` or `**` alone, and plain paths.
 */
function ignored(patterns: readonly string[], path: string): boolean {
  let out = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const rule = negated ? pattern.slice(1) : pattern;
    if (rule !== '*' && rule !== '**' && /[*?[\]]/.test(rule)) throw new Error(`context ignore pattern ${pattern}: not rehearsed`);
    if (rule === '*' || rule === '**' || covers(rule, path)) out = !negated;
  }
  return out;
}

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
  const readByTiltfile = changed.find((f) => rules.configFiles.some((c) => covers(c, f)));
  if (readByTiltfile !== undefined)
    return { action: 'rebuild', reason: `${readByTiltfile} is read by the Tiltfile: Tilt re-runs it and builds the image` };
  const inImage = changed.filter((f) => !rules.contextIgnores.some((patterns) => ignored(patterns, f)));
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
