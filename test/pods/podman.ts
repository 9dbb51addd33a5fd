/**
 * podman as the rehearsal's kubelet: `podman kube play` of rendered objects, exec into their
 * containers, and what the host can read about them (state, cgroup memory, volumes). Every call
 * goes through scripts/container/podman.sh, which sets podman up for machines like CI's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT, type K8sObject } from '../k8s/helm.js';

const PODMAN = join(ROOT, 'scripts/container/podman.sh');

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

export function podman(args: readonly string[], input?: Buffer | string): Result {
  const result = spawnSync(PODMAN, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function podmanOk(args: readonly string[], input?: Buffer | string): string {
  const result = podman(args, input);
  if (result.status !== 0) throw new Error(`podman ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** The same, without blocking the event loop (for a command that runs while this process serves load). */
export function podmanAsync(args: readonly string[], input?: Buffer): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(PODMAN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** `podman kube play` of these objects, written to `file` first (kept for the failure report). */
export function play(objects: readonly K8sObject[], file: string): void {
  writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  podmanOk(['kube', 'play', file]);
}

/** Removes what a `play` of `file` made, its volumes too (kube play refuses a claim that exists). */
export function unplay(file: string, volumes: readonly string[]): void {
  podman(['kube', 'down', file]);
  for (const volume of volumes) podman(['volume', 'rm', '--force', volume]);
}

/** podman's name for container `container` of the pod a Deployment or Pod named `name` becomes. */
export function containerName(pod: string, container: string): string {
  const names = podmanOk(['ps', '-a', '--format', '{{.Names}}']).split('\n');
  const found = names.find((n) => n.startsWith(`${pod}-`) && n.endsWith(`-${container}`) && !n.endsWith('-infra'));
  if (found === undefined) throw new Error(`no container ${container} of pod ${pod} (have: ${names.join(', ')})`);
  return found;
}

export interface ContainerState {
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  restarts: number;
  startedAt: string;
  cgroupPath: string;
}

export function state(container: string): ContainerState {
  const raw = JSON.parse(podmanOk(['inspect', container]))[0];
  return {
    running: raw.State.Running === true,
    exitCode: raw.State.ExitCode as number,
    oomKilled: raw.State.OOMKilled === true,
    restarts: raw.RestartCount as number,
    startedAt: raw.State.StartedAt as string,
    cgroupPath: raw.State.CgroupPath as string,
  };
}

export function volumePath(volume: string): string {
  return podmanOk(['volume', 'inspect', volume, '--format', '{{.Mountpoint}}']).trim();
}

interface ExecOptions {
  input?: Buffer;
  env?: Record<string, string>;
}

/** `podman exec` as the container's own user (Tilt's exec gives no user either), in its working directory. */
const execArgs = (container: string, argv: readonly string[], options: ExecOptions): string[] => [
  'exec',
  ...(options.input ? ['--interactive'] : []),
  ...Object.entries(options.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
  container,
  ...argv,
];

export function exec(container: string, argv: readonly string[], options: ExecOptions = {}): Result {
  return podman(execArgs(container, argv, options), options.input);
}

export function logs(container: string): string {
  const result = podman(['logs', container]);
  return result.stdout + result.stderr;
}

// What the runtime itself writes into every container's root: the mount points of its volumes
// (created when missing) and the name-resolution files it manages.
const RUNTIME_WRITES = new Set(['/etc', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/run', '/run/.containerenv']);

/** Paths `podman diff` reports changed in the container's root, less what the runtime writes. */
export function writtenOutsideVolumes(container: string): string[] {
  const mounts = new Set((JSON.parse(podmanOk(['inspect', container]))[0].Mounts as { Destination: string }[]).map((m) => m.Destination));
  return podmanOk(['diff', container])
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^[ACD] /, ''))
    .filter((path) => !RUNTIME_WRITES.has(path) && !mounts.has(path));
}
