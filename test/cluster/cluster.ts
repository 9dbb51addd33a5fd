/**
 * What the cluster tier's test files share. They run inside the private network namespace of the
 * throw-away cluster that `npm run test:cluster` (scripts/cluster/tier.sh) starts, with its
 * KUBECONFIG, the Docker API that podman serves for Tilt, helm and tilt on PATH; anywhere else
 * (plain `mocha`, `npm test`'s first pass) they are pending with the reason.
 */
import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../k8s/helm.js';
import { workspace } from '../pods/rehearsal.js';

export { ROOT };
export const NODE_PORT_URL = 'http://127.0.0.1:32638';
/** Where the tier keeps its figures (git-ignored), for docs/dev-loop.md. */
export const FIGURES_DIR = join(ROOT, '.cache/cluster-figures');
/** Where it keeps Tilt's logs (git-ignored): made on first use, a fresh clone has no .cache/. */
export function logPath(name: string): string {
  const dir = join(ROOT, '.cache/cluster-logs');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

// Set by tier.sh for this process alone: Tilt's test resource, run from here, must not see it.
const IN_TIER = process.env['WHC_CLUSTER_TIER'] === '1';
delete process.env['WHC_CLUSTER_TIER'];

/** Skips the calling suite unless it runs inside the cluster tier, saying why. */
export function requireCluster(context: Mocha.Context): void {
  if (IN_TIER) return;
  const reason = process.env['WHC_CLUSTER_PENDING'] ?? 'runs inside `npm run test:cluster`, which starts the cluster';
  context.test?.parent && (context.test.parent.title += ` (pending: ${reason})`);
  context.skip();
}

export function run(command: string, args: readonly string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}) {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: result.status ?? -1,
    stdout: result.stdout ?? '',
    stderr: (result.stderr ?? '') + (result.error ? String(result.error) : ''),
  };
}

/**
 * `run` without blocking the event loop: what a test does while its own lookups load a Service,
 * or while it serves a file to the cluster, must not stop them.
 */
export function runAsync(command: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: ROOT, encoding: 'utf8', timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr: stderr + (error && typeof error.code !== 'number' ? error.message : ''),
        }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
export async function mustAsync(command: string, args: readonly string[], options: Parameters<typeof runAsync>[2] = {}): Promise<string> {
  const result = await runAsync(command, args, options);
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`.slice(0, 6000));
  return result.stdout;
}

/** Runs a command that must succeed; throws with its output otherwise. */
export function must(command: string, args: readonly string[], options: Parameters<typeof run>[2] = {}): string {
  const result = run(command, args, options);
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`.slice(0, 6000));
  return result.stdout;
}

export const kubectl = (...args: string[]) => must('kubectl', args);

/** The fields of Kubernetes objects these tests read, as the API server returns them. */
export interface KubeList<T> {
  items: T[];
}
export interface Condition {
  type: string;
  status: string;
  reason?: string;
}
export interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { image: string }[] };
  status: { podIP?: string; conditions?: Condition[]; containerStatuses?: { restartCount: number }[] };
}
export interface Service {
  metadata: { name: string };
  spec: { clusterIP: string; ports: { port: number }[] };
}
export interface Named {
  metadata: { name: string };
}

export function kubectlJson<T>(...args: string[]): T {
  return JSON.parse(kubectl(...args, '-o', 'json')) as T;
}
export async function kubectlJsonAsync<T>(...args: string[]): Promise<T> {
  return JSON.parse(await mustAsync('kubectl', [...args, '-o', 'json'])) as T;
}

export interface PodSummary {
  name: string;
  ip: string;
  node: string;
  ready: boolean;
  restarts: number;
}
export function pods(selector: string, namespace = 'default'): PodSummary[] {
  return summarize(kubectlJson<KubeList<Pod>>('get', 'pods', '-n', namespace, '-l', selector));
}
export async function podsAsync(selector: string, namespace = 'default'): Promise<PodSummary[]> {
  return summarize(await kubectlJsonAsync<KubeList<Pod>>('get', 'pods', '-n', namespace, '-l', selector));
}
/** The pods that are not being deleted, with what the tests ask of them. */
function summarize(list: KubeList<Pod>): PodSummary[] {
  return list.items
    .filter((p) => p.metadata.deletionTimestamp === undefined)
    .map((p) => ({
      name: p.metadata.name,
      ip: p.status.podIP ?? '',
      node: p.spec.nodeName ?? '',
      ready: (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      restarts: (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
    }));
}

/**
 * A copy of the repository as a clone has it, for Tilt to run in and the tests to edit as a
 * developer edits theirs; node_modules is linked in for the local resources (typecheck, tests).
 */
export function devWorkspace(): { path: string; remove(): void } {
  const ws = workspace();
  symlinkSync(join(ROOT, 'node_modules'), join(ws.path, 'node_modules'));
  return ws;
}

export function recordFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`      figures ${name}: ${JSON.stringify(figures)}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
