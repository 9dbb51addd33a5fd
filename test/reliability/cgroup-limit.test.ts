/**
 * The service in a real memory-limited cgroup, the chart's default 256 MiB, run as the chart
 * runs it (NODE_OPTIONS from the ConfigMap's rule: three eighths of the limit for V8's heap).
 * It must find the limit itself (its `listening` log line), derive the bound on answers in
 * flight from it (an eighth), and under the pipelining attack answer 503 rather than be
 * OOM-killed. A control run with the bound off shows that the attack does kill it there.
 * Needs root and a writable cgroup (v2 with the memory controller, or v1's memory hierarchy):
 * skipped otherwise, saying why. The cgroup is removed after.
 */
import { expect } from 'chai';
import { freePort, waitReady } from '../../scripts/bench/processes.js';
import { createMemoryCgroup, type MemoryCgroup } from '../helpers/cgroup.js';
import { pipeliningNonReaders, underAttack } from '../helpers/attack.js';
import { LONG, recordFigures } from '../helpers/figures.js';
import { readDataText, readRecords } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';

const LIMIT_MIB = 256;
const MIB = 1024 * 1024;
/** The ConfigMap's rule (k8s/whc-api/templates/configmap.yaml). */
const CHART_NODE_OPTIONS = `--max-old-space-size=${(LIMIT_MIB * 3) / 8}`;

describe('in a memory-limited cgroup (256 MiB, real kernel limit)', function () {
  this.timeout(120_000);
  const ids = readRecords(readDataText())
    .slice(1)
    .map((r) => Number(r.fields[0]));
  let cgroup: MemoryCgroup | undefined;
  let service: ServiceProcess | undefined;
  let port: number;

  beforeEach(function () {
    const made = createMemoryCgroup(`whc-api-test-${process.pid}`, LIMIT_MIB * MIB);
    if (typeof made === 'string') {
      console.log(`      skipped: ${made}`);
      this.skip();
    }
    cgroup = made;
  });
  afterEach(async () => {
    if (service !== undefined) {
      service.child.kill('SIGKILL');
      await service.exited;
      service = undefined;
    }
    await cgroup?.remove();
    cgroup = undefined;
  });

  const start = async (env: Record<string, string>) => {
    port = await freePort();
    service = spawnService(
      { PORT: String(port), NODE_OPTIONS: CHART_NODE_OPTIONS, SEARCH_CPU_PERCENT: '100', ...env },
      { prefix: (cgroup as MemoryCgroup).enter },
    );
    const listening = await service.waitForLog((l) => l['msg'] === 'listening');
    await waitReady(`http://127.0.0.1:${port}`, 30_000);
    return listening;
  };
  const [clients, perClient, holdMs] = LONG ? [200, 5, 8000] : [100, 3, 3000];
  const attack = () =>
    pipeliningNonReaders(port, clients, perClient, holdMs, (c, i) => `/query?limit=1000&inscribed_from=${1 + c * perClient + i}`);
  const description = `${clients} connections each pipelining ${perClient} distinct limit=1000 searches without reading, ${holdMs / 1000} s, no CPU budget, in a ${LIMIT_MIB} MiB cgroup, NODE_OPTIONS=${CHART_NODE_OPTIONS}`;

  it('finds the limit, derives an eighth for answers in flight, and answers 503 under the attack instead of being OOM-killed', async () => {
    const listening = await start({ LOG_LEVEL: 'info' });
    expect(listening['memoryLimitMb'], 'the limit it found').to.equal(LIMIT_MIB);
    expect(listening['responseMemoryMb'], 'answers in flight').to.equal(LIMIT_MIB / 8);
    // V8 adds its young generation to the old space set by NODE_OPTIONS; half the limit leaves the rest to buffers.
    expect(listening['heapLimitMb'], 'V8 heap limit (MB)').to.be.within((LIMIT_MIB * 3) / 8, LIMIT_MIB / 2);
    const svc = service as ServiceProcess;
    const figures = await underAttack(`http://127.0.0.1:${port}`, svc.child.pid ?? 0, ids, attack);
    const statuses: Record<string, number> = {};
    for (const line of svc.logs)
      if (line['msg'] === 'request' && String(line['path']) === '/query' && typeof line['status'] === 'number')
        statuses[line['status']] = (statuses[line['status']] ?? 0) + 1;
    const oomKills = (cgroup as MemoryCgroup).oomKills();
    recordFigures('cgroup-limit', {
      description,
      asserted: 'limit found, an eighth for answers in flight, 503s, no OOM kill, alive, no failed lookup',
      heapLimitMb: listening['heapLimitMb'],
      ...figures,
      queryStatuses: statuses,
      oomKills,
    });
    expect(oomKills, 'OOM kills in the cgroup').to.equal(0);
    expect(figures.aliveAtEnd, 'alive').to.equal(true);
    expect(figures.lookupFailures, 'failed lookups').to.equal(0);
    expect(statuses['503'] ?? 0, 'searches refused with 503').to.be.greaterThan(0);
  });

  it('control: with the bound off, the same attack gets it OOM-killed there (the test above can fail)', async () => {
    await start({ LOG_LEVEL: 'info', RESPONSE_MEMORY_MB: '65536' });
    const svc = service as ServiceProcess;
    const figures = await underAttack(`http://127.0.0.1:${port}`, svc.child.pid ?? 0, ids, attack);
    const oomKills = (cgroup as MemoryCgroup).oomKills();
    recordFigures('cgroup-limit-unbounded', {
      description: `${description}; RESPONSE_MEMORY_MB=65536 (the bound off)`,
      asserted: 'OOM-killed',
      ...figures,
      oomKills,
      exitSignal: svc.child.signalCode,
    });
    expect(oomKills, 'OOM kills in the cgroup').to.be.greaterThan(0);
    expect(figures.aliveAtEnd, 'alive').to.equal(false);
  });
});
