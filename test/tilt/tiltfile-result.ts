/**
 * The Tiltfile as real Tilt (v0.37.6, scripts/tools/tilt.sh) loads it: `tilt alpha tiltfile-result`
 * executes it and prints, as JSON, the manifests, image targets, live updates, objects, links and
 * API objects Tilt would run, without a cluster. It reads only the kubeconfig's current context,
 * so each run gets a throw-away kubeconfig naming `kind-whc` (or another context, to test the
 * guard) with a server at 127.0.0.1:1, and a throw-away HOME: Tilt writes nothing into ~.
 * The JSON is not a stable API (Tilt's --help says so): only the fields the tests read are typed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { helmBinary } from '../../scripts/tools/helm-binary.js';
import { ROOT } from '../k8s/helm.js';

export interface LiveUpdateSpec {
  basePath: string;
  syncs?: { localPath: string; containerPath: string }[];
  execs?: { args: string[]; triggerPaths?: string[] }[];
  /** fall_back_on() paths */
  stopPaths?: string[];
}
export interface IgnoreDef {
  basePath: string;
  patterns?: string[];
}
export interface ImageTarget {
  selector: string;
  LiveUpdateSpec: LiveUpdateSpec;
  BuildDetails: { context: string; target?: string; dockerfileContents: string; contextIgnores?: IgnoreDef[]; args?: string[] };
}
export interface Link {
  URL: { Scheme: string; Host: string; Path: string; RawQuery: string };
  Name: string;
}
export interface Manifest {
  Name: string;
  ImageTargets: ImageTarget[] | null;
  DeployTarget: {
    /** k8s resources */
    yaml?: string;
    imageMaps?: string[];
    portForwardTemplateSpec?: { forwards: { localPort: number; containerPort: number; name?: string }[] };
    /** local resources */
    UpdateCmdSpec?: { args: string[]; dir: string };
    Deps?: string[];
    AllowParallel?: boolean;
    Links: Link[] | null;
  };
  /** Tilt's model.TriggerMode: 0 auto, 1 manual after an automatic first run, 2 manual, 3 auto after a manual first run */
  TriggerMode: number;
  ResourceDependencies: string[] | null;
  Labels: Record<string, string> | null;
}
export interface ApiObject {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, any>;
}
export interface TiltfileResult {
  Manifests: Manifest[];
  /** Files whose change makes Tilt run the Tiltfile again. */
  ConfigFiles: string[];
  /** API objects made by v1alpha1.*, by resource type ("tilt.dev/v1alpha1, Resource=uibuttons") then name. */
  ObjectSet: Record<string, Record<string, ApiObject>>;
  VersionSettings: Record<string, unknown>;
}

export const TRIGGER_MODE = { auto: 0, manualAfterAutoInit: 1, manual: 2, autoAfterManualInit: 3 } as const;

/** What these tests need when Tilt is missing; they are pending then. */
export const TILT_NEEDED = 'the shared Tilt build: ../shared/tools/tilt beside the clone, or WHC_SHARED_TOOLS=<dir holding tilt/>';

let tiltDir: string | null | undefined;
/** The folder of the `tilt` binary, or undefined when the shared tools are missing (scripts/tools/tilt.sh exits 3). */
export function tiltBin(): string | undefined {
  if (tiltDir === undefined) {
    const found = spawnSync(join(ROOT, 'scripts/tools/tilt.sh'), { encoding: 'utf8' });
    if (found.status === 3) tiltDir = null;
    else if (found.status !== 0) throw new Error(`scripts/tools/tilt.sh failed: ${found.stderr}`);
    else tiltDir = found.stdout.trim();
  }
  return tiltDir ?? undefined;
}

export interface TiltfileRun {
  /** Tilt's exit status: 0 loaded, 5 the Tiltfile failed (tilt alpha tiltfile-result --help) */
  status: number;
  result?: TiltfileResult;
  stderr: string;
}

/**
 * Runs `tilt alpha tiltfile-result` on the Tiltfile in `dir` (the repository by default), with
 * Tiltfile arguments after `--`, and kubectl's current context named `context`.
 */
export function tiltfileResult(
  options: { dir?: string; args?: readonly string[]; context?: string; env?: Record<string, string> } = {},
): TiltfileRun {
  const bin = tiltBin();
  if (bin === undefined) throw new Error(`Tilt is missing: ${TILT_NEEDED}`);
  const home = mkdtempSync(join(tmpdir(), 'whc-tilt-home-'));
  try {
    const context = options.context ?? 'kind-whc';
    writeFileSync(join(home, 'kubeconfig'), kubeconfig(context));
    // --verbose: the Tiltfile's log (the helm command Tilt ran, print()s) on stderr, even on success.
    const argv = ['alpha', 'tiltfile-result', '--verbose', '--file', 'Tiltfile', '--', ...(options.args ?? [])];
    const run = spawnSync(join(bin, 'tilt'), argv, {
      cwd: options.dir ?? ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      // A load takes about a second; a hung one must fail here, since mocha cannot stop a spawnSync.
      timeout: 60_000,
      env: {
        PATH: `${dirname(helmBinary())}:${process.env['PATH'] ?? ''}`,
        HOME: home,
        KUBECONFIG: join(home, 'kubeconfig'),
        // tilt.sh unpacks tilt-extensions here: load('ext://...') then works offline.
        XDG_DATA_HOME: join(ROOT, '.tools/tilt-data'),
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_STATE_HOME: join(home, '.local/state'),
        // Nothing else of this process: the Tiltfile reads build arguments from the environment.
        ...options.env,
      },
    });
    return {
      status: run.status ?? -1,
      stderr: run.error === undefined ? run.stderr : `${run.stderr}\n${run.error.message}`,
      ...(run.status === 0 ? { result: JSON.parse(run.stdout) as TiltfileResult } : {}),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function kubeconfig(context: string): string {
  // A server nobody listens on: tiltfile-result reads the context's name and never connects.
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: context, cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: context, user: {} }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    'current-context': context,
  });
}

/** Everything the Tiltfile reads or points Tilt at (the build context's `only` paths, the chart, the manifests). */
const NEEDED = [
  'Tiltfile',
  'Dockerfile',
  '.dockerignore',
  'k8s',
  'src',
  'scripts/dev',
  'scripts/tilt',
  'nodemon.json',
  'package.json',
  'package-lock.json',
];

/**
 * A temp copy of what the Tiltfile needs, with the Tiltfile edited (the edit must change it), so
 * relative paths resolve as in the repository and a broken copy never touches it.
 */
export function tiltfileCopy(edit?: (text: string) => string): { dir: string; remove(): void } {
  const original = readFileSync(join(ROOT, 'Tiltfile'), 'utf8');
  const edited = edit === undefined ? original : edit(original);
  if (edit !== undefined && edited === original) throw new Error('the edit does not change the Tiltfile');
  const dir = mkdtempSync(join(tmpdir(), 'whc-tiltfile-'));
  for (const path of NEEDED) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  writeFileSync(join(dir, 'Tiltfile'), edited);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The Tiltfile as `tilt <subcommand>` runs it. tiltfile-result sets config.tilt_subcommand to
 * 'alpha tiltfile-result'; `tilt up` and `tilt ci` set 'up' and 'ci' (Tilt's api docs,
 * config.tilt_subcommand), so a copy reads that value instead.
 */
export function tiltfileResultAs(subcommand: 'up' | 'ci', options: { args?: readonly string[] } = {}): TiltfileRun {
  const copy = tiltfileCopy((text) => {
    const uses = text.split('config.tilt_subcommand').length - 1;
    if (uses === 0) throw new Error('the Tiltfile does not read config.tilt_subcommand');
    return text.replaceAll('config.tilt_subcommand', `'${subcommand}'`);
  });
  try {
    return tiltfileResult({ dir: copy.dir, ...options });
  } finally {
    copy.remove();
  }
}

export function manifest(result: TiltfileResult, name: string): Manifest {
  const found = result.Manifests.find((m) => m.Name === name);
  if (found === undefined) throw new Error(`no resource ${name}: ${result.Manifests.map((m) => m.Name).join(', ')}`);
  return found;
}

/** The one image target of the Tiltfile's one docker_build(). */
export function imageTarget(result: TiltfileResult): ImageTarget {
  const targets = result.Manifests.flatMap((m) => m.ImageTargets ?? []);
  if (targets.length !== 1) throw new Error(`expected one image target, found ${targets.length}`);
  return targets[0] as ImageTarget;
}
