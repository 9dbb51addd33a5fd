/**
 * The prod profile rehearsed as pods: the API pod as the chart renders it (read-only root, uid
 * 1000, its memory limit, the claim mounted read-only) and the data publisher (the Job's pod
 * template, played as a Pod) on the same claim. podman + runc enforce the securityContext; the
 * rehearsal probes as the kubelet would and stops the pod as the kubelet would.
 */
import { expect } from 'chai';
import { chownSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage } from './images.js';
import { startLookupLoad } from './lookup-load.js';
import { listenerClosed, startSlowRequest } from './slow-client.js';
import { containerName, exec, logs, play, podmanAsync, state, unplay, volumePath, writtenOutsideVolumes } from './podman.js';
import { probeSuccesses, probeUntilSuccess } from './probes.js';
import { answerAfter, canRehearse, PLAY_DIR, get, recordFigures } from './rehearsal.js';
import { apiContainer, jobAsPod, podmanVolumes, probePort, renderPods, type RenderedPods } from './rendered.js';

describe('prod profile rehearsal: the API pod and the data publisher on one claim', function () {
  this.timeout(20 * 60_000);
  let pods: RenderedPods;
  let container: string;
  let base: string;
  const files = {
    claim: join(PLAY_DIR, 'prod-claim.yaml'),
    pod: join(PLAY_DIR, 'prod-pod.yaml'),
    publisher: join(PLAY_DIR, 'prod-publisher.yaml'),
  };

  before(function () {
    if (!canRehearse()) this.skip();
    mkdirSync(PLAY_DIR, { recursive: true });
    buildImage('production');
    pods = renderPods('prod');
    for (const file of [files.publisher, files.pod]) unplay(file, []);
    unplay(files.claim, podmanVolumes(pods));
    play([pods.claim], files.claim);
    // fsGroup: the kubelet makes the claim's root group-owned by it and group-writable; podman does not.
    const fsGroup = pods.deployment.spec.template.spec.securityContext?.fsGroup;
    if (fsGroup === undefined) throw new Error('the API pod sets no fsGroup');
    const claimDir = volumePath(String(pods.claim.metadata.name));
    chownSync(claimDir, 0, fsGroup);
    chmodSync(claimDir, 0o2775);
    play([pods.configMap, pods.deployment], files.pod);
    const api = apiContainer(pods.deployment);
    container = containerName(String(pods.deployment.metadata.name), api.name);
    base = `http://127.0.0.1:${probePort(api, api.readinessProbe!)}`;
  });

  after(function () {
    if (container !== undefined && this.currentTest?.state === 'failed') console.log(logs(container).slice(-4000));
    if (pods !== undefined) {
      for (const file of [files.publisher, files.pod]) unplay(file, []);
      unplay(files.claim, podmanVolumes(pods));
    }
  });

  it('starts and stays unready on an empty claim (503 problem, not a crash)', async () => {
    const api = apiContainer(pods.deployment);
    await probeUntilSuccess(api, 'startupProbe');
    expect(await probeSuccesses(api, 'readinessProbe', 2), 'ready without data').to.equal(0);
    const ready = await get(`${base}/ready`);
    expect(ready.status).to.equal(503);
    expect(JSON.parse(ready.body).code).to.equal('NOT_READY');
    expect(state(container).running).to.equal(true);
  });

  it("turns ready by hot reload once the data Job's pod publishes onto the claim", async () => {
    if (pods.publisher === undefined) throw new Error('the prod profile renders no data Job');
    const start = Date.now();
    play([jobAsPod(pods.publisher)], files.publisher);
    const publisher = containerName(String(pods.publisher.metadata.name), 'publish');
    for (let i = 0; i < 600 && state(publisher).running; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    const published = state(publisher);
    expect(published.running, 'the publisher finished').to.equal(false);
    expect(published.exitCode, logs(publisher)).to.equal(0);
    expect(writtenOutsideVolumes(publisher), 'the publisher wrote outside its volumes').to.deep.equal([]);
    const attempts = await probeUntilSuccess(apiContainer(pods.deployment), 'readinessProbe');
    const readyMs = await answerAfter(`${base}/ready`, (a) => a.status === 200, start);
    const row = JSON.parse((await get(`${base}/query?unique_number=230`)).body);
    expect(row[0].name_en).to.match(/^Cultural Landscape and Archaeological Remains of the Bamiyan Valley/);
    recordFigures('prod-publish', { publishToReadyMs: readyMs, readinessAttempts: attempts });
  });

  it('runs read-only as uid 1000, and writes nothing outside its volumes', () => {
    expect(exec(container, ['id', '-u']).stdout.trim()).to.equal('1000');
    const write = exec(container, ['sh', '-c', 'touch /app/probe']);
    expect(write.status).to.not.equal(0);
    expect(write.stderr).to.match(/Read-only file system/);
    expect(exec(container, ['sh', '-c', 'touch /data/probe']).stderr).to.match(/Read-only file system/);
    expect(writtenOutsideVolumes(container), 'files changed in the container').to.deep.equal([]);
  });

  it('stops within terminationGracePeriodSeconds under a lookup load, failing no request in flight', async () => {
    const spec = pods.deployment.spec.template.spec;
    const api = apiContainer(pods.deployment);
    const port = probePort(api, api.readinessProbe!);
    const grace = spec.terminationGracePeriodSeconds ?? 30;
    const preStop = api.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const load = startLookupLoad(port, 16, 2_000_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The kubelet runs the preStop sleep (endpoints drop the pod meanwhile), then sends SIGTERM
    // and waits what is left of the grace period before SIGKILL. The pause exists so that by
    // SIGTERM no Service sends the pod a new connection: the load, aimed at the pod itself, plays
    // that part from then on, while its open keep-alive connections go on as a client's would.
    await new Promise((resolve) => setTimeout(resolve, preStop * 1000));
    const slow = await startSlowRequest(port, '/query?unique_number=230');
    load.routeNewConnectionsElsewhere();
    const start = Date.now();
    const stopping = podmanAsync(['stop', '--time', String(grace - preStop), container]);
    await listenerClosed(port);
    const inFlight = await slow.finish();
    const stopped = await stopping;
    const stopMs = Date.now() - start;
    const result = await load.stop();
    expect(stopped.status, stopped.stderr).to.equal(0);
    const after = state(container);
    expect(after.exitCode, logs(container).slice(-2000)).to.equal(0);
    expect(stopMs).to.be.below((grace - preStop) * 1000);
    expect(inFlight.error, 'the request in flight at SIGTERM').to.equal(undefined);
    expect(inFlight.head, 'the request in flight at SIGTERM').to.match(/^HTTP\/1\.1 200 /);
    expect(inFlight.head, 'the request in flight at SIGTERM').to.match(/^connection: close$/im);
    expect(result.failed, JSON.stringify(result.failed.slice(0, 5))).to.deep.equal([]);
    expect(result.ok).to.be.greaterThan(1000);
    recordFigures('prod-stop', { stopMs, graceSeconds: grace, ...result, failed: result.failed.length });
  });
});
