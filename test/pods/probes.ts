/**
 * The kubelet's HTTP probes, run by the rehearsal because podman does not run them here: a GET of
 * the probe's path every periodSeconds, given up after its timeoutSeconds; success is a status from 200 to 399, and the probe has
 * failed after failureThreshold failures in a row. Podman publishes each containerPort on the
 * host under the same number, so the probe goes to 127.0.0.1:containerPort.
 */
import { get } from './rehearsal.js';
import { probePort, type Container, type Probe } from './rendered.js';

export type ProbeName = 'startupProbe' | 'livenessProbe' | 'readinessProbe';

/** One probe, given up after the probe's timeoutSeconds (the kubelet's default, 1, when unset). */
export async function probeOnce(url: string, timeoutSeconds = 1): Promise<boolean> {
  const { status } = await get(url, timeoutSeconds * 1000);
  return status >= 200 && status < 400;
}

export function probeUrl(container: Container, probe: Probe): string {
  return `http://127.0.0.1:${probePort(container, probe)}${probe.httpGet.path}`;
}

function probeOf(container: Container, name: ProbeName): Probe {
  const probe = container[name];
  if (probe === undefined) throw new Error(`container ${container.name} has no ${name}`);
  return probe;
}

/**
 * Probes as the kubelet does until the first success; returns the attempts it took, or throws
 * when failureThreshold attempts in a row failed (the kubelet would restart the container, or
 * keep it out of the Service). `within` caps the attempts for a probe expected to fail.
 */
export async function probeUntilSuccess(container: Container, name: ProbeName, within?: number): Promise<number> {
  const probe = probeOf(container, name);
  const url = probeUrl(container, probe);
  const attempts = within ?? probe.failureThreshold;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (await probeOnce(url, probe.timeoutSeconds)) return attempt;
    await new Promise((resolve) => setTimeout(resolve, probe.periodSeconds * 1000));
  }
  throw new Error(`${name} ${url} failed ${attempts} times in a row, ${probe.periodSeconds} s apart`);
}

/** Probes `attempts` times at the probe's period and returns how many succeeded. */
export async function probeSuccesses(container: Container, name: ProbeName, attempts: number): Promise<number> {
  const probe = probeOf(container, name);
  const url = probeUrl(container, probe);
  let ok = 0;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await probeOnce(url, probe.timeoutSeconds)) ok += 1;
    if (attempt + 1 < attempts) await new Promise((resolve) => setTimeout(resolve, probe.periodSeconds * 1000));
  }
  return ok;
}
