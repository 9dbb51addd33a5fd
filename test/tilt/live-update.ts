/**
 * What Tilt does with a save, as a model of its rules (tilt-dev/tilt internal/containerupdate,
 * internal/build): a changed file that a sync() covers is copied into the running container, then
 * each run() step whose trigger matches runs there; a file in the image that no sync covers, or one
 * fall_back_on() names, means a rebuild. The rules come from the Tiltfile itself, as real Tilt
 * loads it (tiltfile-result.ts): nothing here repeats them. The cluster tier checks the real
 * behaviour; this lets the fast Tiltfile tests say what a given save will do.
 */
import { relative, resolve } from 'node:path';
import { imageTarget, type TiltfileResult } from './tiltfile-result.js';

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
