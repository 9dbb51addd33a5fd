import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { MANIFEST_FILE, renderPlainManifests } from '../../scripts/k8s/plain-manifests.js';
import { loadConfig } from '../../src/config.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { dockerfileEnv } from './dockerfile.js';
import { CHART, findObject, render, type K8sObject } from './helm.js';

/* Loose views of the rendered objects: the schema tests already proved their shape. */
type Labels = Record<string, string>;
interface Probe {
  httpGet: { path: string; port: string };
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}
interface PodSpec {
  containers: Container[];
  securityContext: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  volumes: { name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean } }[];
  affinity?: {
    podAntiAffinity?: Record<
      string,
      { topologyKey?: string; matchLabelKeys?: string[]; podAffinityTerm?: { matchLabelKeys?: string[] } }[]
    >;
  };
  topologySpreadConstraints?: { nodeTaintsPolicy?: string; matchLabelKeys?: string[] }[];
}
interface Deployment {
  spec: {
    replicas: number;
    selector: { matchLabels: Labels };
    strategy: { rollingUpdate: { maxUnavailable: number; maxSurge: number } };
    template: { metadata: { labels: Labels; annotations: Labels }; spec: PodSpec };
  };
}

const deploymentOf = (objects: K8sObject[]) => findObject<Deployment & K8sObject>(objects, 'Deployment');
const apiContainer = (objects: K8sObject[]) => deploymentOf(objects).spec.template.spec.containers[0] as Container;
const selects = (selector: Labels, labels: Labels) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const envOf = (container: Container, name: string) => container.env?.find((e) => e.name === name)?.value;

describe('chart policies (rendered objects)', function () {
  this.timeout(60_000);
  const dev = render('dev');
  const prod = render('prod');
  /** The prod profile on a cluster with a ReadWriteMany class: the shared volume and its publish Job. */
  const prodVolume = render('prod', ['--set', 'data.source=volume']);
  const values = parseYaml(readFileSync(`${CHART}/values.yaml`, 'utf8')) as { containerPort: number; data: { mountPath: string } };

  describe('probes', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server.close());

    it('point at paths the real app answers 200 on, through the named container port', async () => {
      const container = apiContainer(prod);
      const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe];
      expect(probes.every((p) => p !== undefined)).to.equal(true);
      expect(container.readinessProbe?.httpGet.path).to.equal('/ready');
      expect(container.livenessProbe?.httpGet.path).to.equal('/health');
      for (const probe of probes) {
        expect(container.ports?.map((p) => p.name)).to.include(probe?.httpGet.port);
        const response = await fetch(`${server.url}${probe?.httpGet.path}`);
        expect(response.status, probe?.httpGet.path).to.equal(200);
      }
    });

    it("give every probe a timeout of 2 s, not the kubelet's 1 s, in every profile, with the periods and thresholds measured for them", () => {
      // The figures of issue 24 (docs/benchmarks.md: probe p99 at most 257 ms beside the attacks).
      const expected = {
        startupProbe: { periodSeconds: 1, timeoutSeconds: 2, failureThreshold: 30 },
        livenessProbe: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        readinessProbe: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
      } as const;
      for (const [profile, objects] of [
        ['dev', dev],
        ['prod', prod],
      ] as const) {
        const container = apiContainer(objects);
        for (const [kind, timing] of Object.entries(expected)) {
          if (profile === 'dev' && kind === 'livenessProbe') continue; // none in dev: the next test
          expect(container[kind as keyof typeof expected], `${profile} ${kind}`).to.include(timing);
        }
      }
      const slower = apiContainer(render('prod', ['--set', 'probes.liveness.timeoutSeconds=5']));
      expect(slower.livenessProbe?.timeoutSeconds, 'a value of the release').to.equal(5);
      expect(slower.readinessProbe?.timeoutSeconds).to.equal(2);
    });

    it('restart a wedged server in the default and prod profiles, and never the dev container: a restart there loses the live-updated files', () => {
      // test/cluster/tilt.test.ts (e) shows the cost on a real cluster: a saved syntax error held past
      // the liveness window restarted both dev containers, and the fix then waited for the restarts.
      for (const objects of [render('default'), prod]) expect(apiContainer(objects).livenessProbe?.httpGet.path).to.equal('/health');
      expect(apiContainer(dev).livenessProbe, 'the dev profile: nodemon waits for the next save').to.equal(undefined);
      expect(apiContainer(dev).readinessProbe?.httpGet.path, 'an unready dev pod still leaves the Service').to.equal('/ready');
      expect(apiContainer(render('dev', ['--set', 'probes.liveness.enabled=true'])).livenessProbe?.periodSeconds).to.equal(10);
    });
  });

  describe('selectors', () => {
    for (const [name, objects] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      it(`${name}: the Service and the PDB select exactly the API pods, never the data Job's or test pods`, () => {
        const deployment = deploymentOf(objects);
        const podLabels = deployment.spec.template.metadata.labels;
        const service = findObject<{ spec: { selector: Labels } } & K8sObject>(objects, 'Service');
        const pdb = findObject<{ spec: { selector: { matchLabels: Labels } } } & K8sObject>(objects, 'PodDisruptionBudget');
        expect(service.spec.selector).to.deep.equal(deployment.spec.selector.matchLabels);
        expect(pdb.spec.selector.matchLabels).to.deep.equal(deployment.spec.selector.matchLabels);
        expect(selects(service.spec.selector, podLabels)).to.equal(true);
        const otherPods = objects.flatMap((o) => {
          if (o.kind === 'Pod') return [o.metadata.labels ?? {}];
          if (o.kind === 'Job') return [(o as any).spec.template.metadata.labels as Labels];
          if (o.kind === 'CronJob') return [(o as any).spec.jobTemplate.spec.template.metadata.labels as Labels];
          return [];
        });
        expect(otherPods.length).to.be.greaterThan(0);
        for (const labels of otherPods) expect(selects(service.spec.selector, labels), JSON.stringify(labels)).to.equal(false);
      });
    }

    it('the PDB never blocks a drain: maxUnavailable 1 and unhealthy pods always evictable', () => {
      const pdb = findObject<{ spec: Record<string, unknown> } & K8sObject>(prod, 'PodDisruptionBudget');
      expect(pdb.spec).to.include({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
      expect(pdb.spec).not.to.have.property('minAvailable');
    });
  });

  describe('ports (one source of truth, checked across files)', () => {
    it('the container port equals values.containerPort, the PORT the pod gets, and PORT in both Dockerfile targets', () => {
      const container = apiContainer(dev);
      const port = container.ports?.find((p) => p.name === 'http')?.containerPort;
      expect(port).to.equal(values.containerPort);
      expect(envOf(container, 'PORT')).to.equal(String(port));
      expect(dockerfileEnv('production')['PORT']).to.equal(String(port));
      expect(dockerfileEnv('dev')['PORT']).to.equal(String(port));
    });

    it('dev exposes NodePort 32638; prod a ClusterIP', () => {
      const devService = findObject<{ spec: { type: string; ports: { nodePort?: number; targetPort: string }[] } } & K8sObject>(
        dev,
        'Service',
      );
      expect(devService.spec.type).to.equal('NodePort');
      expect(devService.spec.ports[0]?.nodePort).to.equal(32638);
      expect(devService.spec.ports[0]?.targetPort).to.equal('http');
      expect(findObject<{ spec: { type: string } } & K8sObject>(prod, 'Service').spec.type).to.equal('ClusterIP');
    });
  });

  describe('security', () => {
    for (const [name, objects] of [
      ['dev', dev],
      ['prod', prod],
      ['prod with data.source=volume', prodVolume],
    ] as const) {
      it(`${name}: every pod runs restricted: uid 1000, non-root, read-only root (but dev's API container), a /tmp volume, no escalation, no capabilities, RuntimeDefault seccomp, no token`, () => {
        const pods: PodSpec[] = objects.flatMap((o) => {
          if (o.kind === 'Deployment') return [(o as any).spec.template.spec as PodSpec];
          if (o.kind === 'Job') return [(o as any).spec.template.spec as PodSpec];
          if (o.kind === 'CronJob') return [(o as any).spec.jobTemplate.spec.template.spec as PodSpec];
          if (o.kind === 'Pod') return [(o as any).spec as PodSpec];
          return [];
        });
        expect(pods.length).to.be.greaterThan(1);
        for (const pod of pods) {
          expect(pod.securityContext).to.deep.include({
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          });
          expect(pod.automountServiceAccountToken).to.equal(false);
          for (const container of pod.containers) {
            // Tilt's live update writes into the dev API container (tar through exec); nothing else writes to its root.
            const writableRoot = name === 'dev' && pod === deploymentOf(dev).spec.template.spec;
            expect(container.securityContext).to.deep.equal({
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: !writableRoot,
              capabilities: { drop: ['ALL'] },
            });
            const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
            expect(tmp, `${container.name} has a writable /tmp`).to.not.equal(undefined);
            expect(tmp?.readOnly).to.not.equal(true);
            expect((pod as any).volumes.find((v: { name: string }) => v.name === tmp?.name)?.emptyDir, 'an emptyDir').to.not.equal(
              undefined,
            );
          }
        }
      });
    }
  });

  describe('rollout, shutdown and placement', () => {
    it('rolls out without dropping below the desired count; replicas 2 in dev, 3 in prod', () => {
      expect(deploymentOf(dev).spec.replicas).to.equal(2);
      expect(deploymentOf(prod).spec.replicas).to.equal(3);
      expect(deploymentOf(prod).spec.strategy.rollingUpdate).to.deep.equal({ maxUnavailable: 0, maxSurge: 1 });
    });

    it('gives the pod time for the preStop pause and the app drain (SHUTDOWN_TIMEOUT_MS) before SIGKILL', () => {
      for (const objects of [dev, prod]) {
        const spec = deploymentOf(objects).spec.template.spec;
        const preStop = spec.containers[0]?.lifecycle?.preStop?.sleep?.seconds ?? -1;
        const configMap = findObject<{ data: Labels } & K8sObject>(objects, 'ConfigMap');
        const drainSeconds = Number(configMap.data['SHUTDOWN_TIMEOUT_MS']) / 1000;
        expect(preStop).to.be.greaterThan(0);
        expect(spec.terminationGracePeriodSeconds).to.be.greaterThan(preStop + drainSeconds);
      }
    });

    it('gives the app a configuration its own decoder accepts, in every profile and with CORS origins set', () => {
      for (const objects of [
        dev,
        prod,
        render('dev', ['--set', 'corsOrigins=https://maps.example\\,http://localhost:5173', '--set', 'answerCacheMb=0']),
      ]) {
        const configMap = findObject<{ data: Labels } & K8sObject>(objects, 'ConfigMap');
        const container = deploymentOf(objects).spec.template.spec.containers[0];
        const env = Object.fromEntries((container?.env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value]));
        const config = loadConfig({ ...configMap.data, ...env });
        expect(config.port).to.equal(values.containerPort);
      }
      const custom = render('dev', ['--set', 'corsOrigins=https://maps.example\\,http://localhost:5173', '--set', 'answerCacheMb=0']);
      const data = findObject<{ data: Labels } & K8sObject>(custom, 'ConfigMap').data;
      expect(loadConfig(data).corsOrigins).to.deep.equal(['https://maps.example', 'http://localhost:5173']);
      expect(loadConfig(data).answerCacheMb).to.equal(0);
      for (const objects of [dev, prod]) {
        expect(loadConfig(findObject<{ data: Labels } & K8sObject>(objects, 'ConfigMap').data).searchWaitMs).to.equal(2000);
      }
      const patient = findObject<{ data: Labels } & K8sObject>(render('prod', ['--set', 'searchWaitMs=500']), 'ConfigMap').data;
      expect(loadConfig(patient).searchWaitMs, "the search queue's wait bound, from searchWaitMs").to.equal(500);
    });

    it("sizes V8's heap from the container's memory limit (three eighths, NODE_OPTIONS) and leaves the answers' bound to the app", () => {
      for (const [objects, limitMi] of [
        [dev, 768],
        [prod, 384],
        [render('dev', ['--set', 'resources.limits.memory=1Gi']), 1024],
      ] as const) {
        const container = deploymentOf(objects).spec.template.spec.containers[0];
        expect(container?.resources?.limits?.['memory']).to.equal(limitMi === 1024 ? '1Gi' : `${limitMi}Mi`);
        const data = findObject<{ data: Labels } & K8sObject>(objects, 'ConfigMap').data;
        expect(data['NODE_OPTIONS']).to.equal(`--max-old-space-size=${Math.floor((limitMi * 3) / 8)} --disable-sigusr1`);
        expect(loadConfig(data).responseMemoryMb, 'derived from the cgroup limit at run time').to.equal(0);
      }
    });

    it('renders NODE_OPTIONS that this Node accepts (it exits 9 on an option not allowed there)', () => {
      const nodeOptions = findObject<{ data: Labels } & K8sObject>(prod, 'ConfigMap').data['NODE_OPTIONS'] ?? '';
      const run = spawnSync(process.execPath, ['-e', 'process.stdout.write("ran")'], {
        env: { NODE_OPTIONS: nodeOptions },
        encoding: 'utf8',
      });
      expect(run.stderr).to.equal('');
      expect([run.status, run.stdout]).to.deep.equal([0, 'ran']);
    });

    it('rolls the pods when the configuration changes (checksum annotation)', () => {
      const checksum = (objects: K8sObject[]) => deploymentOf(objects).spec.template.metadata.annotations['checksum/config'];
      expect(checksum(dev)).to.match(/^[0-9a-f]{64}$/);
      expect(checksum(render('dev', ['--set', 'logLevel=warn']))).to.not.equal(checksum(dev));
    });

    it('requires one replica per node in prod (matchLabelKeys pod-template-hash), only prefers it in dev', () => {
      const prodAffinity = deploymentOf(prod).spec.template.spec.affinity?.podAntiAffinity ?? {};
      const required = prodAffinity['requiredDuringSchedulingIgnoredDuringExecution'] ?? [];
      expect(required[0]?.topologyKey).to.equal('kubernetes.io/hostname');
      expect(required[0]?.matchLabelKeys).to.deep.equal(['pod-template-hash']);
      const devAffinity = deploymentOf(dev).spec.template.spec.affinity?.podAntiAffinity ?? {};
      expect(devAffinity).to.have.property('preferredDuringSchedulingIgnoredDuringExecution');
      expect(devAffinity).not.to.have.property('requiredDuringSchedulingIgnoredDuringExecution');
      for (const objects of [dev, prod]) {
        const spread = deploymentOf(objects).spec.template.spec.topologySpreadConstraints ?? [];
        expect(spread[0]?.nodeTaintsPolicy).to.equal('Honor');
      }
    });
  });

  describe('shared data volume (data.source=volume)', () => {
    it('mounts the claim read-only and points DATA_FILE into it', () => {
      for (const objects of [dev, prodVolume]) {
        const spec = deploymentOf(objects).spec.template.spec;
        const container = spec.containers[0] as Container;
        const mount = container.volumeMounts?.find((m) => m.name === 'data');
        const volume = spec.volumes.find((v) => v.name === 'data');
        const claim = findObject(objects, 'PersistentVolumeClaim');
        expect(mount?.readOnly).to.equal(true);
        expect(mount?.mountPath).to.equal(values.data.mountPath);
        expect(volume?.persistentVolumeClaim?.claimName).to.equal(claim.metadata.name);
        expect(envOf(container, 'DATA_FILE')?.startsWith(`${mount?.mountPath}/`)).to.equal(true);
      }
    });

    it('dev binds the claim to a static hostPath volume both ways (volumeName, claimRef, no class, Retain)', () => {
      const pv = findObject<{ spec: Record<string, any> } & K8sObject>(dev, 'PersistentVolume');
      const pvc = findObject<{ spec: Record<string, any> } & K8sObject>(dev, 'PersistentVolumeClaim');
      expect(pvc.spec['volumeName']).to.equal(pv.metadata.name);
      expect(pv.spec['claimRef']).to.include({ name: pvc.metadata.name });
      expect(pv.spec['storageClassName']).to.equal('');
      expect(pvc.spec['storageClassName']).to.equal('');
      expect(pv.spec['persistentVolumeReclaimPolicy']).to.equal('Retain');
      expect(pvc.spec['accessModes']).to.deep.equal(['ReadWriteMany']);
    });

    it('prod publishes the data with a Job of the release (no hook, so `helm install --wait` and GitOps tools that wait cannot deadlock) running `whc-data publish` onto the claim', () => {
      const job = findObject<{ spec: { template: { spec: PodSpec } } } & K8sObject>(prodVolume, 'Job');
      expect(Object.keys(job.metadata.annotations ?? {}).filter((k) => k.startsWith('helm.sh/hook'))).to.deep.equal([]);
      const container = job.spec.template.spec.containers[0] as Container;
      expect(container.command?.slice(0, 3)).to.deep.equal(['node', 'dist/cli/data.js', 'publish']);
      const target = container.command?.[4] ?? '';
      const mount = container.volumeMounts?.find((m) => m.name === 'data');
      expect(mount?.readOnly).to.not.equal(true);
      expect(target.startsWith(`${mount?.mountPath}/`)).to.equal(true);
      expect(target).to.equal(envOf(apiContainer(prodVolume), 'DATA_FILE'));
      const cronJob = findObject<{ spec: { suspend: boolean } } & K8sObject>(prodVolume, 'CronJob');
      expect(cronJob.spec.suspend).to.equal(true);
    });

    it("names the publish Job after its pod template: the same on an upgrade that publishes the same, new when what it publishes changes (a Job's template is immutable)", () => {
      const jobName = (objects: K8sObject[]) => findObject(objects, 'Job').metadata.name;
      const volume = ['--set', 'data.source=volume'];
      expect(jobName(render('prod', volume))).to.equal(jobName(prodVolume));
      expect(jobName(render('prod', [...volume, '--set', 'image.tag=0.2.0']))).to.not.equal(jobName(prodVolume));
      expect(jobName(render('prod', [...volume, '--set', 'dataJob.source=https://example.org/whc.csv']))).to.not.equal(jobName(prodVolume));
    });
  });

  describe('data reload and metrics', () => {
    it('polls the data file in dev (kind host mounts deliver no change events) and scrapes /metrics on the container port', () => {
      const configMap = findObject<{ data: Labels } & K8sObject>(dev, 'ConfigMap');
      expect(Number(configMap.data['DATA_POLL_MS'])).to.be.greaterThan(0);
      const annotations = deploymentOf(dev).spec.template.metadata.annotations;
      expect(annotations['prometheus.io/scrape']).to.equal('true');
      expect(annotations['prometheus.io/path']).to.equal('/metrics');
      expect(Number(annotations['prometheus.io/port'])).to.equal(values.containerPort);
    });

    it('the optional ServiceMonitor selects the API Service by its labels', () => {
      const objects = render('everything');
      const monitor = findObject<{ spec: { selector: { matchLabels: Labels }; endpoints: { port: string; path: string }[] } } & K8sObject>(
        objects,
        'ServiceMonitor',
      );
      const service = findObject(objects, 'Service');
      expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels ?? {})).to.equal(true);
      expect(monitor.spec.endpoints[0]).to.include({ port: 'http', path: '/metrics' });
    });
  });

  describe('plain manifests k8s/manifests/', () => {
    it('equal what the chart renders for the dev profile (run `npm run k8s:render` after changing the chart)', () => {
      expect(
        readFileSync(MANIFEST_FILE, 'utf8') === renderPlainManifests(),
        'k8s/manifests/whc-api.yaml is out of date: run npm run k8s:render',
      ).to.equal(true);
    });
  });
});
