/**
 * The dev loop rehearsed for real: the chart's dev profile played as a pod by podman + runc (its
 * securityContext, memory limit, volumes and ConfigMap enforced), the dev image built from the
 * real Dockerfile, and every save delivered the way Tilt's live update delivers it (tar through
 * exec, then the run() steps), with the rules real Tilt reads from the Tiltfile (`tilt alpha
 * tiltfile-result`). Each scenario is proven by a changed HTTP answer, and timed from the start of
 * the copy. kind and Docker cannot run on these machines: this is the closest thing to `tilt up` here.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../k8s/helm.js';
import { tiltBin, tiltfileResult } from '../tilt/tiltfile-result.js';
import { buildImage } from './images.js';
import { applyLiveUpdate, decide, liveUpdateRules, type LiveUpdateRules } from './live-update.js';
import { containerName, exec, logs, MemoryCgroup, play, state, unplay, volumePath } from './podman.js';
import { probeUntilSuccess } from './probes.js';
import { answerAfter, canRehearse, PLAY_DIR, get, median, recordFigures, workspace } from './rehearsal.js';
import { apiContainer, podmanVolumes, probePort, quantityBytes, renderPods, type RenderedPods } from './rendered.js';

describe('dev loop rehearsal: the dev profile as a pod, live-updated as Tilt does it', function () {
  this.timeout(20 * 60_000);
  let pods: RenderedPods;
  let rules: LiveUpdateRules;
  let ws: { path: string; remove(): void };
  let container: string;
  let base: string;
  let claimDir: string;
  const files = { claim: join(PLAY_DIR, 'dev-claim.yaml'), pod: join(PLAY_DIR, 'dev-pod.yaml') };

  /** Edits files of the workspace, then live-updates them into the pod as Tilt would. */
  function save(edits: Record<string, string>) {
    for (const [file, text] of Object.entries(edits)) writeFileSync(join(ws.path, file), text);
    const decision = decide(rules, Object.keys(edits));
    if (decision.action !== 'live-update')
      throw new Error(`Tilt would not live-update ${Object.keys(edits).join(', ')}: ${decision.action} (${decision.reason})`);
    return applyLiveUpdate(container, ws.path, decision, runStepEnv);
  }
  const source = (file: string) => readFileSync(join(ROOT, file), 'utf8');
  const healthIs = (status: string) => (a: { status: number; body: string }) => a.status === 200 && a.body === JSON.stringify({ status });
  // Where this machine reaches npm through a TLS-intercepting proxy, a live `npm ci` needs the
  // machine's CA bundle and registry, as the image build gets them (build secret and argument).
  const runStepEnv: Record<string, string> = {};

  before(async function () {
    if (!canRehearse() || tiltBin() === undefined) this.skip();
    mkdirSync(PLAY_DIR, { recursive: true });
    buildImage('dev');
    pods = renderPods('dev');
    const tilt = tiltfileResult();
    if (tilt.result === undefined) throw new Error(`Tiltfile failed: ${tilt.stderr}`);
    rules = liveUpdateRules(tilt.result);
    ws = workspace();
    unplay(files.pod, []);
    unplay(files.claim, podmanVolumes(pods));
    // The claim first, so the data is on it before the pod starts: on kind it is the repository's
    // data/, mounted into the node (ctlptl.yaml) and bound through the dev profile's hostPath PV.
    play([pods.claim], files.claim);
    claimDir = volumePath(String(pods.claim.metadata.name));
    copyFileSync(join(ws.path, 'data/whc-sites-2019.csv'), join(claimDir, 'whc-sites-2019.csv'));
    play([pods.configMap, pods.deployment], files.pod);
    container = containerName(String(pods.deployment.metadata.name), apiContainer(pods.deployment).name);
    const api = apiContainer(pods.deployment);
    base = `http://127.0.0.1:${probePort(api, api.readinessProbe!)}`;
    await probeUntilSuccess(api, 'startupProbe');
    await probeUntilSuccess(api, 'readinessProbe', 12);
    const registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
    if (registry !== '') runStepEnv['NPM_CONFIG_REGISTRY'] = registry;
    const ca = '/etc/ssl/certs/ca-certificates.crt';
    const copy = exec(container, ['sh', '-c', 'cat > /tmp/rehearsal-ca.pem'], { input: readFileSync(ca) });
    if (copy.status === 0) runStepEnv['NODE_EXTRA_CA_CERTS'] = '/tmp/rehearsal-ca.pem';
  });

  after(function () {
    if (container !== undefined && this.currentTest?.state === 'failed') console.log(logs(container).slice(-4000));
    if (pods !== undefined) {
      unplay(files.pod, []);
      unplay(files.claim, podmanVolumes(pods));
    }
    ws?.remove();
  });

  it('runs the pod as rendered: uid 1000, a writable root for syncs, a /tmp volume, the memory limit', () => {
    const api = apiContainer(pods.deployment);
    expect(exec(container, ['id', '-u']).stdout.trim()).to.equal('1000');
    expect(api.securityContext?.readOnlyRootFilesystem).to.equal(false);
    expect(exec(container, ['sh', '-c', 'touch /app/src/.probe && rm /app/src/.probe']).status, 'Tilt can write /app/src').to.equal(0);
    expect(exec(container, ['sh', '-c', 'touch /tmp/.probe && rm /tmp/.probe']).status, '/tmp is writable').to.equal(0);
    expect(exec(container, ['sh', '-c', 'touch /data/.probe']).status, 'the data claim is mounted read-only').to.not.equal(0);
    expect(new MemoryCgroup(container).limitBytes).to.equal(quantityBytes(api.resources?.limits?.memory ?? ''));
  });

  it('a. serves each of ten consecutive edits of the same file, and the smoke check waits for it', async () => {
    const file = 'src/http/routes/probes.ts';
    const original = source(file);
    const served: number[] = [];
    const copies: number[] = [];
    for (let n = 1; n <= 10; n += 1) {
      const update = await save({ [file]: original.replace("status: 'ok'", `status: 'ok-edit-${n}'`) });
      copies.push(update.copyMs);
      served.push(await answerAfter(`${base}/health`, healthIs(`ok-edit-${n}`), update.startedAt));
      await answerAfter(`${base}/ready`, (a) => a.status === 200, update.startedAt);
      // Tilt's smoke resource re-runs on the same edit: it must pass, against the restarted pod.
      execFileSync('node', [join(ROOT, 'scripts/tilt/smoke.mjs'), base], { cwd: ws.path, stdio: 'pipe' });
    }
    expect(state(container).restarts, 'the container itself never restarted').to.equal(0);
    recordFigures('same-file', { servedMs: served, medianMs: median(served), maxMs: Math.max(...served), copyMedianMs: median(copies) });
  });

  it('b. serves edits of three different files, one of them new', async () => {
    const times: Record<string, number> = {};
    let update = await save({
      'src/http/routes/ops.ts': source('src/http/routes/ops.ts').replace('ready: dataset', "rehearsal: 'b1',\n      ready: dataset"),
    });
    times['ops.ts'] = await answerAfter(
      `${base}/status`,
      (a) => a.status === 200 && JSON.parse(a.body).rehearsal === 'b1',
      update.startedAt,
    );
    update = await save({
      'src/formats/csv.ts': source('src/formats/csv.ts') + '\n// rehearsal: an edit that changes no answer still restarts cleanly\n',
    });
    times['csv.ts (restart only)'] = await answerAfter(
      `${base}/ready`,
      (a) => a.status === 200 && Date.parse(JSON.parse(a.body).dataset.loadedAt) >= update.startedAt,
      update.startedAt,
    );
    update = await save({
      'src/http/routes/rehearsal-marker.ts': "export const MARKER = 'ok-new-file';\n",
      'src/http/routes/probes.ts': `import { MARKER } from './rehearsal-marker.js';\n${source('src/http/routes/probes.ts').replace("status: 'ok'", 'status: MARKER')}`,
    });
    times['new file'] = await answerAfter(`${base}/health`, healthIs('ok-new-file'), update.startedAt);
    recordFigures('three-files', times);
  });

  it('c. runs the npm ci step on a package.json and lockfile change, inside the memory limit', async function () {
    // A real dependency change: a version bump (it shows in /openapi.json) and a new package.
    const version = '0.1.0-rehearsal.1';
    const manifest = JSON.parse(readFileSync(join(ws.path, 'package.json'), 'utf8'));
    manifest.version = version;
    writeFileSync(join(ws.path, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund', '--ignore-scripts', 'is-number@7.0.0'], {
      cwd: ws.path,
      stdio: 'pipe',
    });
    const memory = new MemoryCgroup(container);
    const oomKills = memory.oomKills;
    let peak = memory.unreclaimableBytes;
    const sampler = setInterval(() => (peak = Math.max(peak, memory.unreclaimableBytes)), 50);
    const before = state(container);
    const decision = decide(rules, ['package.json', 'package-lock.json']);
    if (decision.action !== 'live-update') throw new Error(`no live update: ${decision.action}`);
    expect(decision.runs.map((r) => r.cmd).join(' ')).to.include('npm ci');
    const update = await applyLiveUpdate(container, ws.path, decision, runStepEnv).finally(() => clearInterval(sampler));
    const step = update.runs[0];
    expect(step?.status, step?.output).to.equal(0);
    const servedMs = await answerAfter(
      `${base}/openapi.json`,
      (a) => a.status === 200 && JSON.parse(a.body).info.version === version,
      update.startedAt,
      60_000,
    );
    expect(exec(container, ['test', '-f', 'node_modules/is-number/package.json']).status, 'the new package is installed').to.equal(0);
    const after = state(container);
    expect(after.oomKilled, 'OOM-killed').to.equal(false);
    expect(after.restarts).to.equal(before.restarts);
    expect(after.startedAt, 'the container was not restarted').to.equal(before.startedAt);
    expect(memory.oomKills, 'processes killed by the OOM killer').to.equal(oomKills);
    expect(peak).to.be.below(memory.limitBytes);
    recordFigures('npm-ci', {
      npmCiMs: step?.ms,
      servedMs,
      peakUnreclaimableMiB: Math.round(peak / 2 ** 20),
      limitMiB: Math.round(memory.limitBytes / 2 ** 20),
    });
  });

  it('d. serves an edit of the CSV on the data volume, with no image build and no restart', async () => {
    expect(decide(rules, ['data/whc-sites-2019.csv']).action, 'Tilt builds nothing for data/').to.equal('none');
    const before = state(container);
    const csv = readFileSync(join(claimDir, 'whc-sites-2019.csv'), 'utf8');
    const name = 'Cultural Landscape and Archaeological Remains of the Bamiyan Valley';
    expect(csv).to.include(name);
    const edited = csv.replace(name, `${name} (edited)`);
    const start = Date.now();
    writeFileSync(join(claimDir, 'whc-sites-2019.csv'), edited); // in place, as most editors save
    const servedMs = await answerAfter(
      `${base}/query?unique_number=230`,
      (a) => a.status === 200 && JSON.parse(a.body)[0]?.name_en === `${name} (edited)`,
      start,
    );
    expect(state(container).startedAt).to.equal(before.startedAt);
    recordFigures('data-edit', { servedMs });
  });

  it('e. recovers from a saved syntax error without a rebuild', async () => {
    const file = 'src/http/routes/probes.ts';
    const good = source(file).replace("status: 'ok'", "status: 'ok-recovered'");
    const broken = await save({ [file]: `${source(file)}\nexport const = ;\n` });
    // The server stops (nodemon waits for the next save); the container keeps running.
    await answerAfter(`${base}/health`, (a) => a.status === 0, broken.startedAt);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await get(`${base}/health`)).status, 'nothing serves the broken code').to.equal(0);
    expect(state(container).running).to.equal(true);
    expect(logs(container)).to.match(/SyntaxError|ERR_INVALID_TYPESCRIPT_SYNTAX/);
    const fixed = await save({ [file]: good });
    const servedMs = await answerAfter(`${base}/health`, healthIs('ok-recovered'), fixed.startedAt);
    expect(state(container).restarts).to.equal(0);
    recordFigures('syntax-error', { recoveredMs: servedMs });
  });

  it('f. rebuilds, as Tilt would, for a change no sync covers, and ignores what is not in the image', () => {
    const verdicts = Object.fromEntries(
      [
        'Dockerfile',
        '.dockerignore',
        'nodemon.json',
        'scripts/dev/typescript-imports.mjs',
        'test/http/query.test.ts',
        'docs/dev-loop.md',
        'k8s/whc-api/values.yaml',
        'src/main.ts',
      ].map((f) => [f, decide(rules, [f]).action]),
    );
    expect(verdicts).to.deep.equal({
      Dockerfile: 'rebuild',
      '.dockerignore': 'rebuild',
      'nodemon.json': 'rebuild',
      'scripts/dev/typescript-imports.mjs': 'rebuild',
      'test/http/query.test.ts': 'none',
      'docs/dev-loop.md': 'none',
      'k8s/whc-api/values.yaml': 'none',
      'src/main.ts': 'live-update',
    });
  });
});
