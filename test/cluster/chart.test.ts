/**
 * The Helm chart on a real Kubernetes v1.36.2 whose only StorageClass offers ReadWriteOnce (as
 * kind's, EKS's, GKE's and AKS's defaults do), with the production image the Dockerfile builds
 * (scripts/cluster/images.sh pushes it as cluster-a and cluster-b). Each profile gets a namespace
 * of its own, removed afterwards. Lookups run against the Service while it is upgraded, evicted
 * and republished: none may fail.
 */
import { expect } from 'chai';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_FILE, referenceData } from '../helpers/reference-csv.js';
import { answerAfter, get } from '../pods/rehearsal.js';
import { startLookupLoad, type LoadResult } from '../pods/lookup-load.js';
import { CHART } from '../k8s/helm.js';
import {
  kubectl,
  kubectlJson,
  kubectlJsonAsync,
  must,
  mustAsync,
  pods,
  podsAsync,
  recordFigures,
  requireCluster,
  ROOT,
  run,
  runAsync,
  sleep,
  type KubeList,
  type Named,
  type Pod,
  type Service,
} from './cluster.js';

const REGISTRY = `localhost:${process.env['WHC_REGISTRY_PORT'] ?? '5005'}`;
const IMAGE = [`--set`, `image.repository=${REGISTRY}/whc-api`];
const reference = referenceData();
const row230 = reference.rows.find((r) => r['unique_number'] === 230) as Record<string, unknown>;

// Asynchronous: the lookups that load the Service, and the file server, run in this process.
const mustHelm = (...args: string[]) => mustAsync('helm', args, { timeoutMs: 10 * 60_000 });
/** `helm install --wait` of the chart in a new namespace, with the image images.sh pushed as cluster-a; returns NOTES. */
const install = (namespace: string, release: string, ...values: string[]) =>
  mustHelm(
    'install',
    release,
    CHART,
    '-n',
    namespace,
    '--create-namespace',
    '--wait',
    '--timeout',
    '5m',
    ...IMAGE,
    '--set',
    'image.tag=cluster-a',
    ...values,
  );

/** The release's Service: its ClusterIP and port (kube-proxy routes it inside the cluster's namespace, where this runs). */
async function serviceAddress(namespace: string, release: string): Promise<{ host: string; port: number; name: string }> {
  const [svc] = (
    await kubectlJsonAsync<KubeList<Service>>('get', 'service', '-n', namespace, '-l', `app.kubernetes.io/instance=${release}`)
  ).items;
  if (svc === undefined) throw new Error(`no Service of release ${release} in ${namespace}`);
  return { host: svc.spec.clusterIP, port: svc.spec.ports[0]?.port ?? 80, name: svc.metadata.name };
}
const apiSelector = (release: string) => `app.kubernetes.io/instance=${release},app.kubernetes.io/component=api`;

/** Every API pod of a release answers `path` with a body `accept`s (asked directly, by pod IP). */
async function everyReplica(namespace: string, release: string, path: string, accept: (body: string) => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const api = await podsAsync(apiSelector(release), namespace);
    const answers = await Promise.all(api.map((p) => get(`http://${p.ip}:8080${path}`)));
    if (api.length > 0 && answers.every((a) => a.status === 200 && accept(a.body))) return api;
    if (Date.now() > deadline)
      throw new Error(`not every replica of ${release} serves the expected ${path}: ${answers.map((a) => a.status).join(', ')}`);
    await sleep(500);
  }
}

/** Asks the Eviction API to evict a pod, as `kubectl drain` does: 201, or 429 when the PodDisruptionBudget says no. */
async function evict(namespace: string, pod: string): Promise<'evicted' | 'refused'> {
  const body = JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace } });
  const result = await runAsync('kubectl', ['create', '--raw', `/api/v1/namespaces/${namespace}/pods/${pod}/eviction`, '-f', '-'], {
    input: body,
  });
  if (result.status === 0) return 'evicted';
  if (/TooManyRequests|disruption budget/i.test(result.stderr)) return 'refused';
  throw new Error(`eviction of ${pod}: ${result.stderr}`);
}

const expectNoFailure = (load: LoadResult, what: string) => {
  expect(load.failed, `${what}: failed lookups`).to.deep.equal([]);
  expect(load.refusedNewConnections, `${what}: refused connections`).to.equal(0);
  expect(load.ok, `${what}: lookups answered`).to.be.greaterThan(100);
};

describe('the Helm chart on a real cluster (only a ReadWriteOnce StorageClass)', function () {
  this.timeout(20 * 60_000);
  const namespaces: string[] = [];
  before(function () {
    requireCluster(this);
  });
  after(() => {
    for (const ns of namespaces) run('kubectl', ['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
    run('kubectl', ['delete', 'persistentvolume', 'whc-shared-rwx', '--ignore-not-found']);
  });

  describe('default profile', () => {
    const ns = 'whc-default';
    const release = 'demo';
    before(() => namespaces.push(ns));

    it('installs with --wait, no claim, and serves the data its image bundles', async () => {
      const started = Date.now();
      const notes = await install(ns, release);
      const installSeconds = (Date.now() - started) / 1000;
      expect(notes).to.include('Data source: image');
      expect(kubectlJson<KubeList<Named>>('get', 'pvc', '-n', ns).items, 'claims').to.deep.equal([]);
      const { host, port } = await serviceAddress(ns, release);
      const url = `http://${host}:${port}/query?unique_number=230`;
      // kube-proxy programs a new Service's rules about a second after its endpoints are ready
      // (the shared recipe's note): --wait has returned by then, so wait for the first answer.
      await answerAfter(url, (a) => a.status !== 0, Date.now(), 30_000);
      const answer = await get(url);
      expect(answer.status).to.equal(200);
      expect(JSON.parse(answer.body)).to.deep.equal([row230]);
      recordFigures('chart-default-install', { installSeconds });
    });

    it('helm test --logs passes and shows what the test pod checked', async () => {
      const out = await mustHelm('test', release, '-n', ns, '--logs', '--timeout', '3m');
      expect(out).to.match(/Phase:\s+Succeeded/);
      expect(out).to.include(`/query?unique_number=230 -> ${String(row230['name_en'])}`);
    });

    it('under lookups, none failed: helm upgrade rolls a new image, then evictions go one at a time', async () => {
      const { host, port } = await serviceAddress(ns, release);
      const load = startLookupLoad(port, 4, 1_000_000, host);
      const before = (await podsAsync(apiSelector(release), ns)).map((p) => p.name);
      const upgradeStarted = Date.now();
      await mustHelm('upgrade', release, CHART, '-n', ns, '--wait', '--timeout', '5m', ...IMAGE, '--set', 'image.tag=cluster-b');
      const upgradeSeconds = (Date.now() - upgradeStarted) / 1000;
      const rolled = await kubectlJsonAsync<KubeList<Pod>>('get', 'pods', '-n', ns, '-l', apiSelector(release));
      const running = rolled.items.filter((p) => p.metadata.deletionTimestamp === undefined);
      expect(running.map((p) => p.spec.containers[0]?.image)).to.deep.equal(running.map(() => `${REGISTRY}/whc-api:cluster-b`));
      expect(running.map((p) => p.metadata.name)).to.not.include.members(before);

      // Evict every replica through the Eviction API, as a node drain does.
      const victims = running.map((p) => p.metadata.name);
      const decisions: string[] = [];
      for (const victim of victims) {
        for (;;) {
          const decision = await evict(ns, victim);
          decisions.push(decision);
          if (decision === 'evicted') break;
          await sleep(1_000);
        }
        // Right after an eviction, the budget (maxUnavailable 1) refuses the next one.
        const left = (await podsAsync(apiSelector(release), ns)).map((p) => p.name);
        const other = victims.find((v) => v !== victim && left.includes(v));
        if (other !== undefined) expect(await evict(ns, other), `evicting ${other} while ${victim} is replaced`).to.equal('refused');
      }
      await mustAsync('kubectl', [
        'rollout',
        'status',
        '-n',
        ns,
        `deployment/${(await serviceAddress(ns, release)).name}`,
        '--timeout=180s',
      ]);
      await sleep(2_000);
      const result = await load.stop();
      expectNoFailure(result, 'upgrade and evictions');
      recordFigures('chart-upgrade-evictions', {
        upgradeSeconds,
        lookups: result.ok,
        retriedOnClosedConnection: result.retriedOnClosedConnection,
        evictionDecisions: decisions,
      });
    });
  });

  describe('a ReadWriteMany volume (a hostPath PersistentVolume stands in for one) and the data Job', () => {
    const ns = 'whc-shared';
    const release = 'demo';
    let hostDir: string;
    let csvServer: Server;
    before(() => {
      namespaces.push(ns);
      hostDir = mkdtempSync(join(tmpdir(), 'whc-shared-rwx-'));
      // Writable by the data Job's user (uid 1000), as a share exported for the app would be:
      // fsGroup does not apply to hostPath volumes.
      chownSync(hostDir, 1000, 1000);
    });
    after(() => {
      csvServer?.close();
      if (hostDir !== undefined) rmSync(hostDir, { recursive: true, force: true });
    });

    it('publishes the bundled CSV onto the shared volume, and every replica serves it', async () => {
      must('kubectl', ['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: 'whc-shared-rwx' },
          spec: {
            capacity: { storage: '1Gi' },
            accessModes: ['ReadWriteMany'],
            storageClassName: 'shared-rwx',
            persistentVolumeReclaimPolicy: 'Delete',
            hostPath: { path: hostDir, type: 'Directory' },
          },
        }),
      });
      await install(
        ns,
        release,
        '--wait-for-jobs',
        '--set',
        'data.source=volume',
        '--set',
        'data.persistentVolumeClaim.storageClassName=shared-rwx',
        '--set',
        'data.persistentVolumeClaim.keepOnUninstall=false',
      );
      expect(
        readFileSync(join(hostDir, 'whc-sites-2019.csv')).equals(readFileSync(DATA_FILE)),
        'the published file is the bundled CSV',
      ).to.equal(true);
      await everyReplica(ns, release, '/query?unique_number=230', (body) => JSON.stringify(JSON.parse(body)) === JSON.stringify([row230]));
    });

    it('a new CSV published by the data Job (helm upgrade) is served by every replica, with no lookup failed', async () => {
      // The new file: site 230 renamed. Served to the Job over HTTP from this namespace's node address.
      const renamed = `${String(row230['name_en'])} (republished)`;
      const text = readFileSync(DATA_FILE, 'utf8').replace(String(row230['name_en']), renamed);
      csvServer = createServer((_request, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(text));
      await new Promise<void>((resolve) => csvServer.listen(0, '10.250.0.1', resolve));
      const url = `http://10.250.0.1:${(csvServer.address() as { port: number }).port}/whc-sites-2019.csv`;
      const { host, port } = await serviceAddress(ns, release);
      const load = startLookupLoad(port, 4, 1_000_000, host);
      const started = Date.now();
      await mustHelm(
        'upgrade',
        release,
        CHART,
        '-n',
        ns,
        '--reuse-values',
        '--wait',
        '--wait-for-jobs',
        '--timeout',
        '5m',
        '--set',
        `dataJob.source=${url}`,
      );
      const replicas = await everyReplica(
        ns,
        release,
        '/query?unique_number=230',
        (body) => (JSON.parse(body) as { name_en?: string }[])[0]?.name_en === renamed,
      );
      const servedSeconds = (Date.now() - started) / 1000;
      const result = await load.stop();
      expectNoFailure(result, 'republish');
      expect(replicas.length).to.be.greaterThan(1);
      recordFigures('chart-republish', { servedByEveryReplicaSeconds: servedSeconds, replicas: replicas.length, lookups: result.ok });
    });
  });

  describe('prod profile on two nodes', () => {
    const ns = 'whc-prod';
    const release = 'demo';
    before(() => namespaces.push(ns));

    it('a second node joins, and the required anti-affinity puts each replica on its own node', async () => {
      must(join(ROOT, 'scripts/cluster/kube.sh'), ['node2'], { timeoutMs: 300_000 });
      expect(kubectlJson<KubeList<Named>>('get', 'nodes').items.map((n) => n.metadata.name)).to.have.length(2);
      // Two replicas for two nodes (the profile's three need three nodes: the third would stay Pending by design).
      await install(ns, release, '-f', `${CHART}/values-prod.yaml`, '--set', 'replicaCount=2');
      const api = pods(apiSelector(release), ns);
      expect(api.filter((p) => p.ready)).to.have.length(2);
      expect(new Set(api.map((p) => p.node)).size, `nodes of ${api.map((p) => `${p.name}@${p.node}`).join(', ')}`).to.equal(2);
      kubectl('scale', '-n', ns, `deployment/${(await serviceAddress(ns, release)).name}`, '--replicas=3');
      // The scheduler says so on the pod: PodScheduled False, Unschedulable.
      const unschedulable = () =>
        kubectlJson<KubeList<Pod>>('get', 'pods', '-n', ns, '-l', apiSelector(release)).items.filter((p) =>
          (p.status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'),
        );
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && unschedulable().length === 0) run('sleep', ['1']);
      expect(unschedulable(), 'a third replica has no node of its own').to.have.length(1);
    });
  });
});
