/** What the pod rehearsal's test files share: when they can run, a workspace, waiting on answers, figures. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../k8s/helm.js';

/**
 * The rehearsal needs root (podman and buildah with vfs storage, cgroup files) on Linux. CI runs
 * as root and must run it; elsewhere it shows as pending.
 */
export function canRehearse(): boolean {
  const possible = process.platform === 'linux' && process.getuid?.() === 0;
  if (!possible && process.env['CI']) throw new Error('the pod rehearsal must run in CI: it needs root on Linux');
  return possible;
}

/** A copy of the files git knows (what a clone has) for the rehearsal to edit, as a developer edits theirs. */
export function workspace(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'whc-workspace-'));
  const files = execFileSync('git', ['-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    maxBuffer: 64 * 1024 * 1024,
  })
    .toString()
    .split('\0')
    .filter(Boolean);
  execFileSync('cp', ['--parents', '--preserve=timestamps,mode', '-t', path, ...files], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Answer {
  status: number;
  body: string;
}

export async function get(url: string, timeoutMs = 2_000): Promise<Answer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String((error as { cause?: { code?: string } }).cause?.code ?? error) };
  }
}

/** Polls `url` every 20 ms until `accept` holds; returns the ms since `since`, or throws after `timeoutMs`. */
export async function answerAfter(url: string, accept: (a: Answer) => boolean, since: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: Answer = { status: 0, body: '' };
  while (Date.now() < deadline) {
    last = await get(url);
    if (accept(last)) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${url} never gave the expected answer within ${timeoutMs} ms; last: ${last.status} ${last.body.slice(0, 300)}`);
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Where the rehearsal keeps what it plays and measures (git-ignored). */
export const PLAY_DIR = join(ROOT, '.cache/pods');

/** Keeps a scenario's figures in PLAY_DIR/figures-NAME.json and prints them, for docs/dev-loop.md. */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(PLAY_DIR, { recursive: true });
  writeFileSync(join(PLAY_DIR, `figures-${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`      figures ${name}: ${JSON.stringify(figures)}`);
}
