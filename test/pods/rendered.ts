/**
 * What the rehearsal plays: the chart rendered with the real helm, as Tilt (dev) or an operator
 * (prod) renders it. The only changes made for podman are the image reference (passed to helm as
 * Tilt passes its own) and the replica count (one pod: podman ignores replicas, and every replica
 * would publish the same host port); prod is rendered with data.source=volume (see renderPods).
 *
 * Rendered fields podman does not enforce, and what the rehearsal does about them:
 * - probes: podman turns a liveness probe into a healthcheck it never runs here (no systemd
 *   timers), with the named port as 0; the rehearsal probes the rendered paths itself, at the
 *   rendered periods and thresholds (probes.ts);
 * - `lifecycle.preStop` and `terminationGracePeriodSeconds`: the rehearsal waits the preStop
 *   sleep and gives `podman stop` the grace period, as the kubelet would;
 * - `fsGroup`: the kubelet makes a claim's files group-owned by it; podman does not, so the
 *   rehearsal gives the claim's directory that group, as the kubelet would;
 * - emptyDir `medium: Memory` and `sizeLimit`: podman makes a disk volume without a cap;
 * - `resources.requests`, affinity, topology spread, the Service, the PV, the Job object itself:
 *   scheduling and cluster objects (the Job's pod template is played as a Pod).
 * Enforced by podman and runc: the user and group, `readOnlyRootFilesystem`, dropped
 * capabilities, no privilege escalation, `resources.limits.memory`, read-only claim mounts, env
 * from the ConfigMap.
 */
import { parseObjects, renderText, type K8sObject } from '../k8s/helm.js';
import { IMAGE_REPOSITORY, IMAGE_TAGS, type Target } from './images.js';

export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { limits?: { memory?: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean };
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}
export interface Probe {
  httpGet: { path: string; port: number | string };
  periodSeconds: number;
  /** The kubelet's default is 1 when it is not set. */
  timeoutSeconds?: number;
  failureThreshold: number;
}
export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
}
export type Workload = K8sObject & {
  spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};
export type Job = K8sObject & { spec: { template: { metadata: K8sObject['metadata']; spec: PodSpec } } };

export interface RenderedPods {
  objects: K8sObject[];
  claim: K8sObject;
  configMap: K8sObject;
  deployment: Workload;
  /** The data publisher's Job (prod profile), when the profile renders one. */
  publisher?: Job;
}

const PROFILE_TARGET = { dev: 'dev', prod: 'production' } as const satisfies Record<string, Target>;

export function renderPods(profile: keyof typeof PROFILE_TARGET): RenderedPods {
  const target = PROFILE_TARGET[profile];
  // prod serves its image's data by default; the rehearsal plays it with the shared volume and the
  // data Job (data.source=volume), the path with the most moving parts.
  const source = profile === 'prod' ? ['--set', 'data.source=volume'] : [];
  const objects = parseObjects(
    renderText(profile, ['--set', `image.repository=${IMAGE_REPOSITORY}`, '--set', `image.tag=${IMAGE_TAGS[target]}`, ...source]),
  );
  const one = <T extends K8sObject>(kind: string): T => {
    const found = objects.filter((o) => o.kind === kind);
    if (found.length !== 1) throw new Error(`the ${profile} profile renders ${found.length} ${kind} objects, not one`);
    return found[0] as T;
  };
  const deployment = one<Workload>('Deployment');
  deployment.spec.replicas = 1;
  const jobs = objects.filter((o) => o.kind === 'Job') as Job[];
  return {
    objects,
    claim: one('PersistentVolumeClaim'),
    configMap: one('ConfigMap'),
    deployment,
    ...(jobs[0] === undefined ? {} : { publisher: jobs[0] }),
  };
}

/** The podman volumes a play of these pods makes: the claim's, and one per emptyDir of the API pod. */
export function podmanVolumes(pods: RenderedPods): string[] {
  const volumes = (pods.deployment.spec.template.spec as PodSpec & { volumes?: { name: string; emptyDir?: unknown }[] }).volumes ?? [];
  return [String(pods.claim.metadata.name), ...volumes.filter((v) => v.emptyDir !== undefined).map((v) => v.name)];
}

/** A Job's pod template as a Pod of its own: podman kube play runs no Jobs. */
export function jobAsPod(job: Job): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: job.metadata.name, labels: job.spec.template.metadata.labels ?? {} },
    spec: job.spec.template.spec,
  };
}

export function apiContainer(deployment: Workload): Container {
  const container = deployment.spec.template.spec.containers[0];
  if (container === undefined) throw new Error('the Deployment has no container');
  return container;
}

/** A probe's port as a number: a named port is looked up in the container's ports, as the kubelet does. */
export function probePort(container: Container, probe: Probe): number {
  const { port } = probe.httpGet;
  if (typeof port === 'number') return port;
  const found = container.ports?.find((p) => p.name === port);
  if (found === undefined) throw new Error(`probe port ${port} names no port of container ${container.name}`);
  return found.containerPort;
}
