/**
 * The Tiltfile as real Tilt loads it (`tilt alpha tiltfile-result`, test/tilt/tiltfile-result.ts),
 * checked against the files it must agree with: the Dockerfile, the chart's dev profile, the
 * plain manifests, ctlptl.yaml and package.json. No cluster: Tilt only reads the kubeconfig's
 * context. Each scenario runs Tilt once (about a second), shared by the tests that read it.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { findObject, KUBE_VERSION, parseObjects, renderText, ROOT, type K8sObject } from '../k8s/helm.js';
import { decide, liveUpdateRules } from './live-update.js';
import {
  imageTarget,
  manifest,
  TILT_NEEDED,
  tiltBin,
  tiltfileCopy,
  tiltfileResult,
  tiltfileResultAs,
  TRIGGER_MODE,
  type ImageTarget,
  type TiltfileResult,
  type TiltfileRun,
} from './tiltfile-result.js';

/** WORKDIR of a Dockerfile stage, following its FROM chain: read from the Dockerfile, not repeated here. */
function stageWorkdir(dockerfile: string, stage: string): string {
  const stages = new Map<string, { from: string; body: string }>();
  for (const block of dockerfile.split(/^(?=FROM )/m)) {
    const header = /^FROM\s+(\S+)\s+AS\s+(\S+)/i.exec(block);
    if (header) stages.set(header[2] as string, { from: header[1] as string, body: block });
  }
  let current = stages.get(stage);
  while (current) {
    const workdirs = [...current.body.matchAll(/^WORKDIR\s+(\S+)/gm)];
    if (workdirs.length > 0) return workdirs[workdirs.length - 1]?.[1] as string;
    current = stages.get(current.from);
  }
  throw new Error(`no WORKDIR for stage ${stage}`);
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ctlptl = parseAllDocuments(readFileSync(join(ROOT, 'ctlptl.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, any>);
const ctlptlCluster = () => ctlptl.find((d) => d['kind'] === 'Cluster') as Record<string, any>;
const ctlptlNode = () => ctlptlCluster()['kindV1Alpha4Cluster']['nodes'][0] as Record<string, any>;
const devValues = parseYaml(readFileSync(join(ROOT, 'k8s/whc-api/values-dev.yaml'), 'utf8')) as Record<string, any>;
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** A run that loaded: its result, or a failure with Tilt's own log. */
function loaded(run: TiltfileRun): TiltfileResult {
  if (run.result === undefined) throw new Error(`Tilt could not load the Tiltfile (exit ${run.status}): ${run.stderr}`);
  return run.result;
}

/** Every object the k8s resources deploy, in Tilt's order. */
const deployed = (result: TiltfileResult): K8sObject[] => result.Manifests.flatMap((m) => parseObjects(m.DeployTarget.yaml ?? ''));
/**
 * Objects as Tilt v0.37.6 writes them (seen in its output). It decodes each into the Kubernetes API
 * types and encodes it again, which drops a zero value where the Go field is a plain string with
 * omitempty: a PersistentVolume's `storageClassName: ""` (no class either way; the claim's field is
 * a pointer, and its "" is kept). helm(namespace=) writes the namespace into every object, even a
 * cluster-scoped one; k8s_yaml() of the plain manifests does not.
 */
function asTiltWrites(objects: K8sObject[], namespace?: string): K8sObject[] {
  return objects.map((o) => {
    const copy = structuredClone(o) as K8sObject & { spec?: Record<string, unknown> };
    if (copy.kind === 'PersistentVolume' && copy.spec?.['storageClassName'] === '') delete copy.spec['storageClassName'];
    if (namespace !== undefined) copy.metadata = { ...copy.metadata, namespace };
    return copy;
  });
}
const byKindAndName = (objects: K8sObject[]) =>
  [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

/**
 * The live update's syncs land where the dev target keeps the sources, from paths that exist in
 * the build context, and cover src/. Tilt itself accepts a sync of a missing path or to any
 * container path when it loads the Tiltfile (the tests below show it), so this is checked here.
 */
function checkSyncs(target: ImageTarget): void {
  const workdir = stageWorkdir(dockerfile, 'dev');
  const spec = target.LiveUpdateSpec;
  const syncs = spec.syncs ?? [];
  expect(syncs.map((s) => s.localPath)).to.include('src');
  for (const sync of syncs) {
    expect(existsSync(join(spec.basePath, sync.localPath)), `${sync.localPath} exists`).to.equal(true);
    expect(sync.containerPath, sync.localPath).to.equal(`${workdir}/${sync.localPath}`);
  }
}

/** The paths of docker_build(only=): Tilt turns them into an ignore list, `**` then `!path` for each (as its output shows). */
function onlyPaths(target: ImageTarget): string[] {
  const only = (target.BuildDetails.contextIgnores ?? []).filter((i) => i.patterns?.[0] === '**');
  expect(only, 'one only= list').to.have.length(1);
  return (only[0]?.patterns ?? []).slice(1).map((p) => {
    expect(p, 'a re-included path').to.match(/^!/);
    return p.slice(1);
  });
}

describe('Tiltfile (loaded by real Tilt)', function () {
  this.timeout(120_000);
  let up: TiltfileResult;
  let upLog: string;
  before(function () {
    if (tiltBin() === undefined) {
      console.log(`      Tiltfile tests pending: they need ${TILT_NEEDED}`);
      this.skip();
    }
    const run = tiltfileResult();
    up = loaded(run);
    upLog = run.stderr;
  });

  describe('image build', () => {
    it("builds the Dockerfile's dev target", () => {
      expect(imageTarget(up).BuildDetails.target).to.equal('dev');
      expect(dockerfile).to.match(/^FROM \S+ AS dev$/m);
      // What Tilt builds from is the Dockerfile itself, which it watches.
      expect(imageTarget(up).BuildDetails.dockerfileContents).to.equal(dockerfile);
    });

    it('syncs local paths that exist to where the dev target keeps them (WORKDIR from the Dockerfile)', () => {
      expect(imageTarget(up).LiveUpdateSpec.basePath).to.equal(ROOT.replace(/\/$/, ''));
      checkSyncs(imageTarget(up));
      expect(dockerfile).to.match(/COPY --chown=node:node src \.\/src/);
    });

    it('runs npm ci on synced files when the manifests change, and has no fall_back_on() that could never fire', () => {
      const spec = imageTarget(up).LiveUpdateSpec;
      // Tilt re-runs the Tiltfile (and so rebuilds) when the Dockerfile or .dockerignore changes, and
      // never reports a change of a file outside the build context to the live update.
      expect(spec.stopPaths ?? []).to.deep.equal([]);
      expect(up.ConfigFiles).to.include.members([join(ROOT, 'Dockerfile'), join(ROOT, '.dockerignore')]);
      const execs = spec.execs ?? [];
      expect(execs).to.have.length(1);
      const [shell, flag, cmd] = execs[0]?.args ?? [];
      expect([shell, flag]).to.deep.equal(['sh', '-c']);
      expect(cmd).to.include('npm ci');
      expect(execs[0]?.triggerPaths).to.have.members(['package.json', 'package-lock.json']);
      const synced = (spec.syncs ?? []).map((s) => s.localPath);
      for (const trigger of execs[0]?.triggerPaths ?? []) expect(synced, `${trigger} is synced`).to.include(trigger);
    });

    it('sends the builder exactly what the dev target copies, so tests, docs, the chart and data/ never trigger a build', () => {
      const sent = onlyPaths(imageTarget(up));
      const devStage = dockerfile.slice(dockerfile.search(/^FROM \S+ AS dev$/m)).split(/^FROM /m)[1] ?? '';
      const depsStage = dockerfile.slice(dockerfile.search(/^FROM \S+ AS deps$/m)).split(/^FROM /m)[1] ?? '';
      const copied = [...(depsStage + devStage).matchAll(/^COPY (?:--chown=\S+ )?(.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(' '));
      expect([...sent].sort()).to.deep.equal([...copied].sort());
      expect(sent).to.not.include('data');
      // .dockerignore applies too: Tilt read it, and watches it.
      expect((imageTarget(up).BuildDetails.contextIgnores ?? []).some((i) => i.patterns?.[0] === '*')).to.equal(true);
    });

    it("passes the Dockerfile's build arguments from the environment, and none when unset", () => {
      expect(imageTarget(up).BuildDetails.args ?? []).to.deep.equal([]);
      const set = loaded(tiltfileResult({ env: { NODE_IMAGE: 'mirror.test/node:26', NPM_CONFIG_REGISTRY: '' } }));
      expect(imageTarget(set).BuildDetails.args).to.deep.equal(['NODE_IMAGE=mirror.test/node:26']);
      expect(dockerfile)
        .to.match(/^ARG NODE_IMAGE=/m)
        .and.to.match(/^ARG NPM_CONFIG_REGISTRY$/m);
    });

    it('refuses to run against any kubectl context but the cluster ctlptl.yaml creates, even another local one', () => {
      const cluster = ctlptlCluster()['name'] as string;
      // Tilt allows every local cluster (kind-*, docker-desktop) before it reads allow_k8s_contexts().
      for (const context of ['kind-other', 'docker-desktop']) {
        const other = tiltfileResult({ context });
        expect(other.status, context).to.equal(5);
        expect(other.stderr).to.include(`Error in fail: kubectl's current context is '${context}', not '${cluster}'`);
      }
    });

    it("renders the chart for the Kubernetes version of ctlptl.yaml's node image (Helm 3 would assume its own)", () => {
      const version = /^kindest\/node:v(\d+\.\d+\.\d+)@/.exec(ctlptlNode()['image'])?.[1];
      const helm = /^Running: helm template .*$/m.exec(upLog)?.[0];
      expect(helm, 'the helm command in Tilt’s log').to.be.a('string');
      expect(helm).to.include(` --kube-version ${version} `);
    });
  });

  describe('deploy', () => {
    it("deploys exactly what the chart's dev profile renders (in the namespace Tilt's helm() sets)", () => {
      expect(/^Running: helm template .*$/m.exec(upLog)?.[0]).to.include(' --values k8s/whc-api/values-dev.yaml');
      const expected = asTiltWrites(parseObjects(renderText('dev', ['--namespace', 'default', '--skip-tests'])), 'default');
      expect(byKindAndName(deployed(up))).to.deep.equal(byKindAndName(expected));
    });

    it('with --data-dir mounts that node directory instead of values-dev.yaml’s', () => {
      const volume = (result: TiltfileResult) => findObject<any>(deployed(result), 'PersistentVolume').spec.hostPath.path as string;
      expect(volume(up)).to.equal(devValues['data']['hostPath']['path']);
      expect(volume(loaded(tiltfileResult({ args: ['--data-dir', '/srv/whc-data'] })))).to.equal('/srv/whc-data');
    });

    it('with --plain-manifests deploys k8s/manifests/, which holds the same objects', () => {
      const plain = loaded(tiltfileResult({ args: ['--plain-manifests'] }));
      expect(plain.ConfigFiles).to.include(join(ROOT, 'k8s/manifests/whc-api.yaml'));
      const file = parseObjects(readFileSync(join(ROOT, 'k8s/manifests/whc-api.yaml'), 'utf8'));
      expect(byKindAndName(deployed(plain))).to.deep.equal(byKindAndName(asTiltWrites(file)));
      const withoutNamespace = (objects: K8sObject[]) =>
        byKindAndName(objects).map(({ metadata: { namespace: _, ...metadata }, ...o }) => ({ ...o, metadata }));
      expect(withoutNamespace(deployed(plain))).to.deep.equal(withoutNamespace(deployed(up)));
    });

    it("matches the built image to the Deployment's container image", () => {
      const deployment = findObject<any>(deployed(up), 'Deployment');
      const image = deployment.spec.template.spec.containers[0].image as string;
      expect(image.split(':')[0]).to.equal(imageTarget(up).selector);
      // Tilt found that image in the whc-api resource's objects: it will swap in each build.
      expect(manifest(up, 'whc-api').DeployTarget.imageMaps).to.deep.equal([imageTarget(up).selector]);
    });

    it('pins a minimum Tilt version no older than 0.36.0, the first that accepts Helm 4 (tilt-dev/tilt#6638)', () => {
      const tiltfile = readFileSync(join(ROOT, 'Tiltfile'), 'utf8');
      const version = /^version_settings\(constraint='>=(\d+)\.(\d+)\.(\d+)'\)/m.exec(tiltfile);
      expect(version, 'a >=X.Y.Z constraint').to.not.equal(null);
      const [major, minor] = (version as RegExpExecArray).slice(1).map(Number) as [number, number];
      expect(major > 0 || minor >= 36, `Tilt ${version?.[0]}`).to.equal(true);
    });
  });

  describe('resources and the UI', () => {
    const names = () => up.Manifests.map((m) => m.Name);
    const kinds = (name: string) =>
      parseObjects(manifest(up, name).DeployTarget.yaml ?? '')
        .map((o) => `${o.metadata.name}:${o.kind}`)
        .sort();

    it('groups the objects into the API and its data volume, and leaves none uncategorized', () => {
      expect(names()).to.have.members(['whc-api', 'data-volume', 'typecheck', 'unit-tests', 'smoke']);
      expect(kinds('data-volume')).to.deep.equal(['whc-api-data:PersistentVolume', 'whc-api-data:PersistentVolumeClaim']);
      expect(kinds('whc-api')).to.include.members([
        'whc-api:ConfigMap',
        'whc-api:Deployment',
        'whc-api:PodDisruptionBudget',
        'whc-api:Service',
        'whc-api:ServiceAccount',
      ]);
    });

    it('depends only on resources that exist: the API on its volume, the smoke check on the API', () => {
      expect(manifest(up, 'whc-api').ResourceDependencies).to.deep.equal(['data-volume']);
      expect(manifest(up, 'smoke').ResourceDependencies).to.deep.equal(['whc-api']);
      for (const m of up.Manifests) for (const dep of m.ResourceDependencies ?? []) expect(names(), dep).to.include(dep);
    });

    it("links the NodePort that the Service exposes and ctlptl.yaml maps to the host's 127.0.0.1", () => {
      const service = findObject<any>(deployed(up), 'Service');
      const nodePort = service.spec.ports[0].nodePort as number;
      expect(nodePort).to.equal(devValues['service']['nodePort']);
      const links = manifest(up, 'whc-api').DeployTarget.Links ?? [];
      expect(links.map((l) => l.URL.Path)).to.include.members(['/query', '/health', '/ready']);
      for (const link of links) expect(link.URL.Host, link.Name).to.equal(`127.0.0.1:${nodePort}`);
      const mapping = (ctlptlNode()['extraPortMappings'] as any[]).find((m) => m.containerPort === nodePort);
      expect(mapping).to.include({ hostPort: nodePort, listenAddress: '127.0.0.1' });
    });

    it("forwards the debugger port that the dev server listens on (the pod's loopback, which port-forwards reach)", () => {
      const forwards = manifest(up, 'whc-api').DeployTarget.portForwardTemplateSpec?.forwards ?? [];
      expect(forwards).to.have.length(1);
      expect(forwards[0]).to.include({ localPort: 9229, containerPort: 9229, name: 'debugger' });
      const nodemon = JSON.parse(readFileSync(join(ROOT, 'nodemon.json'), 'utf8')) as { exec: string };
      expect(nodemon.exec).to.include('--inspect=127.0.0.1:9229');
      expect(dockerfile).to.match(/^CMD \["node_modules\/\.bin\/nodemon"\]$/m);
    });

    it('labels every resource for grouping in the UI', () => {
      for (const m of up.Manifests) expect(Object.keys(m.Labels ?? {}), m.Name).to.not.be.empty;
    });

    it('puts a smoke-check button on the API and a data-validation button on the volume, each running a command that exists', () => {
      const buttons = up.ObjectSet['tilt.dev/v1alpha1, Resource=uibuttons'] ?? {};
      const cmds = up.ObjectSet['tilt.dev/v1alpha1, Resource=cmds'] ?? {};
      expect(Object.keys(buttons)).to.have.members(['smoke-now', 'validate-data']);
      const where = { 'smoke-now': 'whc-api', 'validate-data': 'data-volume' } as Record<string, string>;
      for (const [name, button] of Object.entries(buttons)) {
        expect(button.spec['location']).to.deep.equal({ componentType: 'Resource', componentID: where[name] });
        expect(button.metadata.annotations?.['tilt.dev/resource']).to.equal(where[name]);
        const started = Object.values(cmds).filter((c) => (c.spec['startOn']?.uiButtons as string[] | undefined)?.includes(name));
        expect(started, `the Cmd ${name} starts`).to.have.length(1);
        const cmd = started[0]?.spec as { args: string[]; dir: string };
        expect(started[0]?.metadata.annotations?.['tilt.dev/resource'], 'its log goes to the same pane').to.equal(where[name]);
        expect(cmd.dir).to.equal(ROOT.replace(/\/$/, ''));
        const [program, ...args] = cmd.args;
        if (program === 'node') expect(existsSync(join(ROOT, args[0] ?? '')), args[0]).to.equal(true);
        else {
          expect(program).to.equal('npm');
          const [run, script] = args.filter((a) => !a.startsWith('-'));
          expect(run).to.equal('run');
          expect(scripts, `npm run ${script}`).to.have.property(script ?? '');
        }
        for (const arg of args.filter((a) => a.startsWith('data/'))) expect(existsSync(join(ROOT, arg)), arg).to.equal(true);
      }
    });
  });

  describe('the checks', () => {
    let asUp: TiltfileResult;
    let asCi: TiltfileResult;
    before(() => {
      asUp = loaded(tiltfileResultAs('up'));
      asCi = loaded(tiltfileResultAs('ci'));
    });
    const command = (result: TiltfileResult, name: string) => manifest(result, name).DeployTarget.UpdateCmdSpec?.args.join(' ') ?? '';

    it('waits for a click under `tilt up` (no run at start-up) and runs once under `tilt ci`; the smoke check always runs', () => {
      for (const name of ['typecheck', 'unit-tests']) {
        expect(manifest(asUp, name).TriggerMode, `${name} under tilt up`).to.equal(TRIGGER_MODE.manual);
        expect(manifest(asCi, name).TriggerMode, `${name} under tilt ci`).to.equal(TRIGGER_MODE.auto);
        expect(manifest(asUp, name).DeployTarget.AllowParallel, name).to.equal(true);
      }
      for (const result of [asUp, asCi]) expect(manifest(result, 'smoke').TriggerMode).to.equal(TRIGGER_MODE.auto);
      // tiltfile-result's own subcommand is neither: the Tiltfile treats it as `tilt up`.
      expect(manifest(up, 'typecheck').TriggerMode).to.equal(TRIGGER_MODE.manual);
    });

    it('runs the fast tiers, never the cluster tier (npm test includes it), with scripts that exist', () => {
      for (const result of [asUp, asCi])
        for (const name of ['typecheck', 'unit-tests']) {
          const cmd = command(result, name);
          expect(cmd).to.match(/^sh -c npm run /);
          expect(cmd).to.not.match(/npm (run )?test( |$)|test:cluster|test:slow/);
          // Each script it names exists (a renamed tier would leave the resource failing).
          for (const [, script] of cmd.matchAll(/npm run ([\w:-]+)/g)) expect(scripts, `npm run ${script}`).to.have.property(script ?? '');
        }
      expect(command(asUp, 'unit-tests')).to.equal('sh -c npm run test:unit && npm run test:http');
    });
  });

  describe('what a save does, as the pod rehearsal plays it (test/pods/live-update.ts)', () => {
    const decision = (...changed: string[]) => decide(liveUpdateRules(up), changed);

    it('syncs a source file into the dev WORKDIR and runs nothing', () => {
      expect(decision('src/main.ts')).to.deep.equal({
        action: 'live-update',
        files: [{ local: 'src/main.ts', remote: `${stageWorkdir(dockerfile, 'dev')}/src/main.ts` }],
        runs: [],
      });
    });

    it('syncs the npm manifests and runs npm ci', () => {
      const update = decision('package.json', 'package-lock.json');
      expect(update.action).to.equal('live-update');
      const runs = update.action === 'live-update' ? update.runs.map((r) => r.cmd) : [];
      expect(runs).to.have.length(1);
      expect(runs[0]).to.include('npm ci');
    });

    it('rebuilds for a file the image copies but no sync covers, and for a file the Tiltfile reads', () => {
      expect(decision('nodemon.json').action).to.equal('rebuild');
      for (const file of ['Dockerfile', '.dockerignore', 'Tiltfile']) expect(decision(file).action, file).to.equal('rebuild');
    });

    it('does nothing for tests, docs, data/ and scripts outside the dev image', () => {
      for (const file of ['test/tiers.ts', 'docs/dev-loop.md', 'data/whc-sites-2019.csv', 'scripts/build/bundle.ts', 'README.md'])
        expect(decision(file), file).to.deep.include({ action: 'none' });
    });
  });

  describe('ctlptl.yaml', () => {
    it('creates a kind cluster named kind-* with a local registry Tilt can discover', () => {
      const registry = ctlptl.find((d) => d['kind'] === 'Registry');
      const cluster = ctlptlCluster();
      expect(cluster).to.include({ apiVersion: 'ctlptl.dev/v1alpha1', product: 'kind' });
      expect(cluster['name']).to.match(/^kind-/);
      expect(cluster['registry']).to.equal(registry?.['name']);
    });

    it('pins the node image by digest, labels the node for ingress, maps only the NodePort (80/443 are opt-in) and mounts data/ where the dev volume expects it', () => {
      const node = ctlptlNode();
      // The node runs the minor the chart tests render at (the newest supported), pinned by digest.
      const minor = KUBE_VERSION.split('.').slice(0, 2).join('\\.');
      expect(node['image']).to.match(new RegExp(`^kindest/node:v${minor}\\.\\d+@sha256:[0-9a-f]{64}$`));
      expect(node['kubeadmConfigPatches'][0]).to.include('ingress-ready=true');
      // Host ports below 1024 fail under rootless Docker, and 80/443 are often taken.
      expect((node['extraPortMappings'] as any[]).map((m) => m.hostPort)).to.deep.equal([devValues['service']['nodePort']]);
      const mount = (node['extraMounts'] as any[])[0];
      expect(existsSync(join(ROOT, mount.hostPath))).to.equal(true);
      expect(existsSync(join(ROOT, mount.hostPath, 'whc-sites-2019.csv'))).to.equal(true);
      expect(mount.containerPath).to.equal(devValues['data']['hostPath']['path']);
    });

    it("docs/tilt.md's several-nodes example uses the same node image", () => {
      const image = ctlptlNode()['image'];
      const readmeImages = [...readFileSync(join(ROOT, 'docs', 'tilt.md'), 'utf8').matchAll(/image: (kindest\/node:\S+)/g)].map(
        (m) => m[1],
      );
      expect(readmeImages).to.have.length.greaterThan(0);
      for (const readmeImage of readmeImages) expect(readmeImage).to.equal(image);
    });
  });

  describe('a broken Tiltfile, as Tilt reports it', () => {
    /** Tilt's run on a temp copy whose Tiltfile is edited. */
    const runEdited = (edit: (text: string) => string): TiltfileRun => {
      const copy = tiltfileCopy(edit);
      try {
        return tiltfileResult({ dir: copy.dir });
      } finally {
        copy.remove();
      }
    };
    const rejected = (name: string, edit: (text: string) => string, message: string) =>
      it(`rejects ${name}`, () => {
        const run = runEdited(edit);
        expect(run.status, 'exit 5: the Tiltfile failed').to.equal(5);
        expect(run.stderr).to.include(message);
      });
    rejected('a misspelled argument', (t) => t.replace('target=', 'targte='), 'docker_build: unexpected keyword argument "targte"');
    rejected(
      'a sync source outside the build context',
      (t) => t.replace("sync('src', '/app/src')", "sync('../src', '/app/src')"),
      'is not a child of any watched filepaths',
    );
    rejected(
      'a run step before a sync',
      (t) => t.replace("        sync('src', '/app/src'),\n", '').replace('    ],\n)', "        sync('src', '/app/src'),\n    ],\n)"),
      'live_update: all sync steps must precede all run steps',
    );
    rejected(
      'fall_back_on after a sync',
      (t) => t.replace("        sync('package.json'", "        fall_back_on(['nodemon.json']),\n        sync('package.json'"),
      'live_update: fall_back_on steps must appear at the start of the list',
    );

    it('accepts a Dockerfile target that does not exist: the build would fail, not the load', () => {
      const target = imageTarget(loaded(runEdited((t) => t.replace("target='dev'", "target='develop'"))));
      expect(target.BuildDetails.target).to.equal('develop');
      expect(target.BuildDetails.dockerfileContents).to.not.match(/^FROM \S+ AS develop$/m);
    });

    for (const [name, from, to] of [
      ['a sync of a path that misses src/', "sync('src', '/app/src')", "sync('srcx', '/app/src')"],
      ['a sync of src/ to a path the dev target does not use', "sync('src', '/app/src')", "sync('src', '/srv/src')"],
    ] as const)
      it(`accepts ${name}, which the sync check above rejects`, () => {
        const target = imageTarget(loaded(runEdited((t) => t.replace(from, to))));
        expect(() => checkSyncs(target)).to.throw();
      });
  });
});
