/**
 * The Tiltfile, evaluated by a real Starlark interpreter with stand-ins for Tilt's builtins
 * (scripts/tilt/shim), and checked against the files it must agree with: the Dockerfile, the
 * chart's dev profile, the plain manifests and ctlptl.yaml. Tilt itself and kind cannot run here.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { findObject, KUBE_VERSION, parseObjects, renderText, ROOT, type K8sObject } from '../k8s/helm.js';
import { callsOf, evaluate, onlyCall, shimPath, type Call, type ShimRecord as Record_ } from './shim.js';

const only = (record: Record_, fn: string): Call => {
  expect(callsOf(record, fn), fn).to.have.length(1);
  return onlyCall(record, fn);
};

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

describe('Tiltfile (evaluated with Starlark)', function () {
  this.timeout(120_000);
  let up: Record_;
  before(function () {
    if (shimPath() === undefined) {
      this.skip(); // no Go here: `bash .ci/run` installs it and runs these tests
    }
    const result = evaluate();
    if (result.record === undefined) throw new Error(`Tiltfile failed: ${result.stderr}`);
    up = result.record;
  });

  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const ctlptl = parseAllDocuments(readFileSync(join(ROOT, 'ctlptl.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, any>);
  const devValues = parseYaml(readFileSync(join(ROOT, 'k8s/whc-api/values-dev.yaml'), 'utf8')) as Record<string, any>;
  const deployedObjects = () => parseObjects(only(up, 'helm') && String(only(up, 'k8s_yaml').args['yaml'].text));

  describe('image build', () => {
    it("builds the Dockerfile's dev target", () => {
      const build = only(up, 'docker_build');
      expect(build.args['target']).to.equal('dev');
      expect(dockerfile).to.match(/^FROM \S+ AS dev$/m);
    });

    it('syncs local paths that exist to where the dev target keeps them (WORKDIR from the Dockerfile)', () => {
      const workdir = stageWorkdir(dockerfile, 'dev');
      const steps = only(up, 'docker_build').args['live_update'] as { _type: string; local_path?: string; remote_path?: string }[];
      const syncs = steps.filter((s) => s._type === 'sync');
      expect(syncs.map((s) => s.local_path)).to.include('src');
      for (const step of syncs) {
        expect(existsSync(join(ROOT, step.local_path ?? '')), `${step.local_path} exists`).to.equal(true);
        expect(step.remote_path).to.equal(`${workdir}/${step.local_path}`);
      }
      expect(dockerfile).to.match(/COPY --chown=node:node src \.\/src/);
    });

    it('runs npm ci (after the syncs) when the manifests change, and has no fall_back_on() that could never fire', () => {
      const steps = only(up, 'docker_build').args['live_update'] as {
        _type: string;
        files?: string[];
        cmd?: string;
        trigger?: string[];
        local_path?: string;
      }[];
      // Tilt re-runs the Tiltfile (and so rebuilds) when the Dockerfile or .dockerignore changes, and
      // never reports a change of a file outside the build context to the live update.
      expect(steps.filter((s) => s._type === 'fall_back_on')).to.deep.equal([]);
      const run = steps.find((s) => s._type === 'run');
      expect(run?.cmd).to.include('npm ci');
      expect(run?.trigger).to.have.members(['package.json', 'package-lock.json']);
      const synced = steps.filter((s) => s._type === 'sync').map((s) => s.local_path);
      for (const trigger of run?.trigger ?? []) expect(synced, `${trigger} is synced`).to.include(trigger);
    });

    it('sends the builder exactly what the dev target copies, so tests, docs, the chart and data/ never trigger a build', () => {
      const sent = only(up, 'docker_build').args['only'] as string[];
      const devStage = dockerfile.slice(dockerfile.search(/^FROM \S+ AS dev$/m)).split(/^FROM /m)[1] ?? '';
      const depsStage = dockerfile.slice(dockerfile.search(/^FROM \S+ AS deps$/m)).split(/^FROM /m)[1] ?? '';
      const copied = [...(depsStage + devStage).matchAll(/^COPY (?:--chown=\S+ )?(.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(' '));
      expect([...sent].sort()).to.deep.equal([...copied].sort());
      expect(sent).to.not.include('data');
    });

    it('refuses to run against any kubectl context but the cluster ctlptl.yaml creates', () => {
      const cluster = ctlptl.find((d) => d['kind'] === 'Cluster')?.['name'];
      const other = evaluate(undefined, 'up', [], { TILT_SHIM_K8S_CONTEXT: 'docker-desktop' });
      expect(other.status).to.not.equal(0);
      expect(other.stderr).to.include(`not '${cluster}'`);
      expect(evaluate(undefined, 'up', [], { TILT_SHIM_K8S_CONTEXT: cluster }).status).to.equal(0);
    });

    it("renders the chart for the Kubernetes version of ctlptl.yaml's node image (Helm 3 would assume its own)", () => {
      const node = ctlptl.find((d) => d['kind'] === 'Cluster')?.['kindV1Alpha4Cluster']['nodes'][0];
      const version = /^kindest\/node:v(\d+\.\d+\.\d+)@/.exec(node['image'])?.[1];
      expect(only(up, 'helm').args['kube_version']).to.equal(version);
    });
  });

  describe('deploy', () => {
    it("deploys exactly what the chart's dev profile renders", () => {
      const helmCall = only(up, 'helm');
      expect(helmCall.args['values']).to.deep.equal(['k8s/whc-api/values-dev.yaml']);
      const expected = parseObjects(renderText('dev', ['--namespace', 'default', '--skip-tests']));
      expect(deployedObjects()).to.deep.equal(expected);
    });

    it('with --plain-manifests deploys k8s/manifests/, which holds the same objects', () => {
      const plain = evaluate(undefined, 'up', ['--plain-manifests']);
      expect(plain.status, plain.stderr).to.equal(0);
      const path = only(plain.record as Record_, 'k8s_yaml').args['yaml'] as string;
      expect(path).to.equal('k8s/manifests/whc-api.yaml');
      expect(parseObjects(readFileSync(join(ROOT, path), 'utf8'))).to.deep.equal(deployedObjects());
    });

    it("matches the built image to the Deployment's container image", () => {
      const deployment = findObject<any>(deployedObjects(), 'Deployment');
      const image = deployment.spec.template.spec.containers[0].image as string;
      expect(image.split(':')[0]).to.equal(only(up, 'docker_build').args['ref']);
    });

    it('allows only the kind context ctlptl.yaml creates', () => {
      const cluster = ctlptl.find((d) => d['kind'] === 'Cluster');
      expect(only(up, 'allow_k8s_contexts').args['contexts']).to.equal(cluster?.['name']);
    });

    it('pins a minimum Tilt version no older than 0.36.0, the first that accepts Helm 4 (tilt-dev/tilt#6638)', () => {
      const version = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(String(only(up, 'version_settings').args['constraint']));
      expect(version, 'a >=X.Y.Z constraint').to.not.equal(null);
      const [major, minor] = (version as RegExpExecArray).slice(1).map(Number) as [number, number];
      expect(major > 0 || minor >= 36, `Tilt ${version?.[0]}`).to.equal(true);
    });
  });

  describe('resources and the UI', () => {
    const resourceNames = () => [
      ...callsOf(up, 'k8s_resource').map((c) => (c.args['new_name'] as string | undefined) ?? (c.args['workload'] as string)),
      ...callsOf(up, 'local_resource').map((c) => c.args['name'] as string),
    ];

    it('names only workloads and objects that the deployed YAML contains', () => {
      const objects: K8sObject[] = deployedObjects();
      for (const call of callsOf(up, 'k8s_resource')) {
        if (call.args['workload'] !== undefined)
          expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === call.args['workload'])).to.equal(true);
        for (const selector of (call.args['objects'] ?? []) as string[]) {
          const [name, kind] = selector.split(':');
          expect(
            objects.some((o) => o.metadata.name === name && o.kind.toLowerCase() === kind),
            selector,
          ).to.equal(true);
        }
      }
    });

    it('depends only on resources that exist', () => {
      const names = resourceNames();
      const deps = [...callsOf(up, 'k8s_resource'), ...callsOf(up, 'local_resource')].flatMap(
        (c) => (c.args['resource_deps'] ?? []) as string[],
      );
      expect(deps.length).to.be.greaterThan(0);
      for (const dep of deps) expect(names, dep).to.include(dep);
      for (const button of callsOf(up, 'cmd_button')) expect(names).to.include(button.args['resource']);
    });

    it("links the NodePort that the Service exposes and ctlptl.yaml maps to the host's 127.0.0.1", () => {
      const service = findObject<any>(deployedObjects(), 'Service');
      const nodePort = service.spec.ports[0].nodePort as number;
      expect(nodePort).to.equal(devValues['service']['nodePort']);
      const api = callsOf(up, 'k8s_resource').find((c) => c.args['workload'] === 'whc-api');
      const urls = ((api?.args['links'] ?? []) as { url: string }[]).map((l) => new URL(l.url));
      expect(urls.map((u) => u.pathname)).to.include.members(['/query', '/health', '/ready']);
      for (const url of urls) expect(Number(url.port), url.href).to.equal(nodePort);
      const node = ctlptl.find((d) => d['kind'] === 'Cluster')?.['kindV1Alpha4Cluster']['nodes'][0];
      const mapping = (node['extraPortMappings'] as any[]).find((m) => m.containerPort === nodePort);
      expect(mapping).to.include({ hostPort: nodePort, listenAddress: '127.0.0.1' });
    });

    it("forwards the debugger port that the dev server listens on (the pod's loopback, which port-forwards reach)", () => {
      const api = callsOf(up, 'k8s_resource').find((c) => c.args['workload'] === 'whc-api');
      expect(api?.args['port_forwards'][0]).to.include({ local_port: 9229, container_port: 9229 });
      const nodemon = JSON.parse(readFileSync(join(ROOT, 'nodemon.json'), 'utf8')) as { exec: string };
      expect(nodemon.exec).to.include('--inspect=127.0.0.1:9229');
      expect(dockerfile).to.match(/^CMD \["node_modules\/\.bin\/nodemon"\]$/m);
    });

    it('runs the fast tests under `tilt up` and the whole suite under `tilt ci`', () => {
      const testCmd = (record: Record_) => callsOf(record, 'local_resource').find((c) => c.args['name'] === 'unit-tests')?.args['cmd'];
      expect(testCmd(up)).to.equal('npm run test:unit && npm run test:http');
      // Each script it names exists (a renamed tier would leave the UI's button failing).
      const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      for (const [, name] of String(testCmd(up)).matchAll(/npm run ([\w:-]+)/g))
        expect(scripts, `npm run ${name}`).to.have.property(name ?? '');
      const ci = evaluate(undefined, 'ci');
      expect(ci.status, ci.stderr).to.equal(0);
      expect(testCmd(ci.record as Record_)).to.equal('npm test');
    });

    it('labels every resource for grouping in the UI', () => {
      for (const call of [...callsOf(up, 'k8s_resource'), ...callsOf(up, 'local_resource')])
        expect(call.args['labels'], JSON.stringify(call.args)).to.not.be.empty;
    });
  });

  describe('ctlptl.yaml', () => {
    it('creates a kind cluster named kind-* with a local registry Tilt can discover', () => {
      const registry = ctlptl.find((d) => d['kind'] === 'Registry');
      const cluster = ctlptl.find((d) => d['kind'] === 'Cluster');
      expect(cluster).to.include({ apiVersion: 'ctlptl.dev/v1alpha1', product: 'kind' });
      expect(cluster?.['name']).to.match(/^kind-/);
      expect(cluster?.['registry']).to.equal(registry?.['name']);
    });

    it('pins the node image by digest, labels the node for ingress, maps only the NodePort (80/443 are opt-in) and mounts data/ where the dev volume expects it', () => {
      const node = ctlptl.find((d) => d['kind'] === 'Cluster')?.['kindV1Alpha4Cluster']['nodes'][0];
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
      const image = ctlptl.find((d) => d['kind'] === 'Cluster')?.['kindV1Alpha4Cluster']['nodes'][0]['image'];
      const readmeImages = [...readFileSync(join(ROOT, 'docs', 'tilt.md'), 'utf8').matchAll(/image: (kindest\/node:\S+)/g)].map(
        (m) => m[1],
      );
      expect(readmeImages).to.have.length.greaterThan(0);
      for (const readmeImage of readmeImages) expect(readmeImage).to.equal(image);
    });
  });

  describe('the shim rejects what Tilt rejects', () => {
    const broken = (name: string, edit: (text: string) => string, message: string) =>
      it(name, () => {
        // A broken copy beside the real one (git-ignored), so relative paths resolve the same way.
        const copy = join(ROOT, `.tiltfile-test-${name.replace(/\W+/g, '-')}`);
        const original = readFileSync(join(ROOT, 'Tiltfile'), 'utf8');
        const edited = edit(original);
        expect(edited, 'the edit applies').to.not.equal(original);
        writeFileSync(copy, edited);
        try {
          const result = evaluate(copy);
          expect(result.status, 'accepted').to.not.equal(0);
          expect(result.stderr).to.include(message);
        } finally {
          rmSync(copy, { force: true });
        }
      });
    broken('a misspelled argument', (t) => t.replace('target=', 'targte='), 'unexpected keyword argument "targte"');
    broken('a missing Dockerfile target', (t) => t.replace("target='dev'", "target='develop'"), 'no such stage');
    broken(
      'a sync source outside the build context',
      (t) => t.replace("sync('src', '/app/src')", "sync('../src', '/app/src')"),
      'outside the build context',
    );
    broken(
      'a run step before a sync',
      (t) => t.replace("        sync('src', '/app/src'),\n", '').replace('    ],\n)', "        sync('src', '/app/src'),\n    ],\n)"),
      'sync steps must come before run steps',
    );
    broken(
      'fall_back_on after a sync',
      (t) => t.replace("        sync('package.json'", "        fall_back_on(['nodemon.json']),\n        sync('package.json'"),
      'fall_back_on steps must come first',
    );
  });
});
