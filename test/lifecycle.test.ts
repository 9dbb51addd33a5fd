import { expect } from 'chai';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { recordFigures } from './helpers/figures.js';
import { expectProblem } from './helpers/problem.js';
import { readDataText, readRecords } from './helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-files.js';

interface LoadCounts {
  sent: number;
  completed: number;
  refused: number;
  failed: string[];
}

/**
 * `connections` keep-alive loops requesting one row. A loop stops when the server says it is
 * draining (`Connection: close`), as a client behind a Service stops sending to a pod that has
 * left the endpoints, or when its connection is refused. Anything else is a failed request.
 */
async function loadUntilRefused(url: string, connections: number, counts: LoadCounts): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const once = () =>
    new Promise<'ok' | 'draining' | 'refused'>((resolve, reject) => {
      counts.sent++;
      const req = request(`${url}/query?unique_number=230`, { agent }, (res) => {
        res.resume();
        const outcome = res.headers.connection === 'close' ? 'draining' : 'ok';
        res.on('end', () => (res.statusCode === 200 ? resolve(outcome) : reject(new Error(`status ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error)));
      req.end();
    });
  const loop = async () => {
    for (;;) {
      try {
        const outcome = await once();
        if (outcome === 'refused') {
          counts.refused++;
          return;
        }
        counts.completed++;
        if (outcome === 'draining') return;
      } catch (error) {
        counts.failed.push(String(error));
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  agent.destroy();
}

describe('service lifecycle (real process)', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    service = undefined;
  });

  it('on SIGTERM under load: turns unready, finishes every request, exits 0', async () => {
    service = spawnService({ SHUTDOWN_DELAY_MS: '300', SHUTDOWN_TIMEOUT_MS: '5000' });
    const url = await service.url;
    await service.waitForLog((l) => l['msg'] === 'dataset loaded');
    const counts: LoadCounts = { sent: 0, completed: 0, refused: 0, failed: [] };
    const load = loadUntilRefused(url, 50, counts);
    await new Promise((r) => setTimeout(r, 300));
    const beforeSignal = counts.completed;
    service.child.kill('SIGTERM');
    await service.waitForLog((l) => l['msg'] === 'shutting down');
    const ready = await fetch(`${url}/ready`, { headers: { Connection: 'close' } });
    await expectProblem(ready, 503, 'NOT_READY');
    await load;
    const code = await service.exited;
    const shutdown = service.logs.find((l) => l['msg'] === 'shutdown complete');
    recordFigures('shutdown-under-load', {
      description: 'SIGTERM while 50 keep-alive connections keep requesting /query (SHUTDOWN_DELAY_MS=300, as a preStop pause would give)',
      sent: counts.sent,
      completed: counts.completed,
      refused: counts.refused,
      failed: counts.failed.length,
      completedAfterSignal: counts.completed - beforeSignal,
      exitCode: code,
      shutdownMs: shutdown?.['durationMs'],
      asserted: '/ready 503 at once; every request sent completes with 200; no connection refused or reset; exit 0',
    });
    expect(counts.failed, 'failed requests').to.deep.equal([]);
    expect(counts.completed).to.be.greaterThan(beforeSignal);
    expect(counts.refused, 'refused connections').to.equal(0);
    expect(counts.completed).to.equal(counts.sent);
    expect(code).to.equal(0);
    expect(service.logs.some((l) => l['msg'] === 'shutdown complete')).to.equal(true);
  });

  it('with a missing data file: stays live, never ready, and says why', async () => {
    const dir = tempDir();
    try {
      service = spawnService({ DATA_FILE: `${dir.path}/absent.csv` });
      const url = await service.url;
      const error = await service.waitForLog((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('data file rejected'));
      expect(error['msg']).to.include('absent.csv').and.include('file not found');
      expect((await fetch(`${url}/health`)).status).to.equal(200);
      const problem = await expectProblem(await fetch(`${url}/ready`), 503, 'NOT_READY');
      expect(problem.detail).to.include('could not be loaded');
      expect(JSON.stringify(problem)).not.to.include(dir.path);
    } finally {
      dir.remove();
    }
  });

  it('with a bad configuration: exits 2 naming every bad variable, before listening', async () => {
    service = spawnService({ PORT: 'eighty', LOG_LEVEL: 'chatty' });
    const code = await service.exited;
    expect(code).to.equal(2);
    expect(service.stderr()).to.include('PORT="eighty"').and.include('LOG_LEVEL="chatty"');
    expect(service.logs.some((l) => l['msg'] === 'listening')).to.equal(false);
  });

  it('when the port is taken: exits 3 with one clear log line, no stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      service = spawnService({ PORT: String(port) });
      expect(await service.exited).to.equal(3);
      expect(service.logs.map((l) => l['msg'])).to.include(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
      expect(service.stderr()).not.to.match(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});

describe('service lifecycle: other signals and fatal errors (real process)', () => {
  let service: ServiceProcess | undefined;
  const dir = tempDir();
  after(() => dir.remove());
  afterEach(() => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    service = undefined;
  });
  const rowsOf = async (url: string) => ((await (await fetch(`${url}/ready`)).json()) as { dataset: { rows: number } }).dataset.rows;

  it('on SIGHUP and SIGUSR2 under load: finishes every answer and stays up; SIGHUP reloads the data file', async () => {
    const records = readRecords(readDataText());
    const text = readDataText();
    const file = dir.write('served.csv', text);
    // Only the signal reloads: no change events, no polling.
    service = spawnService({ DATA_FILE: file, DATA_WATCH: 'false', DATA_POLL_MS: '0', DATA_SETTLE_MS: '0', SHUTDOWN_DELAY_MS: '300' });
    const url = await service.url;
    await service.waitForLog((l) => l['msg'] === 'dataset loaded');
    expect(await rowsOf(url)).to.equal(records.length - 1);
    dir.write('served.csv', text.slice(0, records[10]?.end)); // the header and ten rows
    const counts: LoadCounts = { sent: 0, completed: 0, refused: 0, failed: [] };
    const load = loadUntilRefused(url, 8, counts);
    await new Promise((r) => setTimeout(r, 200));
    service.child.kill('SIGUSR2');
    await service.waitForLog((l) => l['msg'] === 'signal ignored' && l['signal'] === 'SIGUSR2');
    service.child.kill('SIGHUP');
    await service.waitForLog((l) => l['msg'] === 'dataset loaded' && l['rows'] === 10);
    await new Promise((r) => setTimeout(r, 200));
    expect(service.child.exitCode, 'still running').to.equal(null);
    expect(await rowsOf(url)).to.equal(10);
    service.child.kill('SIGTERM'); // ends the load: each loop stops at its draining answer
    await load;
    expect(await service.exited).to.equal(0);
    expect(counts.failed, 'failed requests').to.deep.equal([]);
    expect(counts.completed).to.equal(counts.sent);
    expect(counts.refused).to.equal(0);
  });

  it('on SIGUSR1: opens no inspector, stays up', async () => {
    service = spawnService({});
    const url = await service.url;
    service.child.kill('SIGUSR1');
    await service.waitForLog((l) => l['signal'] === 'SIGUSR1');
    await new Promise((r) => setTimeout(r, 300)); // Node's inspector says so on stderr within milliseconds when it opens
    // An inspector that could not bind (another process on 9229) says so too: either line is a failure.
    expect(service.stderr()).not.to.match(/Debugger listening|Starting inspector/);
    expect((await fetch(`${url}/health`)).status).to.equal(200);
  });

  it('on SIGUSR1, started as the image starts it (--disable-sigusr1): opens no inspector, stays up', async () => {
    service = spawnService({}, { nodeArgs: ['--disable-sigusr1'] });
    const url = await service.url;
    service.child.kill('SIGUSR1');
    // Node swallows the signal, so no line says it came: wait as long as the test above does for the inspector.
    await new Promise((r) => setTimeout(r, 300));
    expect(service.stderr()).not.to.match(/Debugger listening|Starting inspector/);
    expect(service.child.exitCode, 'still running').to.equal(null);
    expect((await fetch(`${url}/health`)).status).to.equal(200);
  });

  it('on an uncaught error: writes its buffered lines and the error, exits 1', async () => {
    // A real uncaught exception in the real process, thrown from a module Node imports first.
    const fail = dir.write('fail-later.mjs', "setTimeout(() => { throw new Error('planted failure'); }, 1500);\n");
    service = spawnService({}, { nodeArgs: ['--import', pathToFileURL(fail).href] });
    expect(await service.exited).to.equal(1);
    const messages = service.logs.map((l) => l['msg']);
    expect(messages).to.include('listening');
    const fatal = service.logs.find((l) => l['msg'] === 'uncaught error: exiting');
    expect((fatal?.['err'] as { message?: string } | undefined)?.message).to.equal('planted failure');
  });

  it('on an unhandled rejection: logs it as the uncaught error it becomes, exits 1', async () => {
    const fail = dir.write('reject-later.mjs', "setTimeout(() => Promise.reject(new Error('planted rejection')), 1500);\n");
    service = spawnService({}, { nodeArgs: ['--import', pathToFileURL(fail).href] });
    expect(await service.exited).to.equal(1);
    const fatal = service.logs.find((l) => l['msg'] === 'uncaught error: exiting');
    expect((fatal?.['err'] as { message?: string } | undefined)?.message).to.equal('planted rejection');
  });

  it('on a second signal during the drain: writes its line and exits 1 at once', async () => {
    service = spawnService({ SHUTDOWN_DELAY_MS: '5000' });
    await service.url;
    service.child.kill('SIGTERM');
    await service.waitForLog((l) => l['msg'] === 'shutting down');
    service.child.kill('SIGINT');
    expect(await service.exited).to.equal(1);
    expect(service.logs.map((l) => l['msg'])).to.include('second signal: exiting now');
  });
});
