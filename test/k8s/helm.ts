/** Renders the chart with a real helm binary (scripts/tools/helm.sh) for the chart tests. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { KUBE_VERSION } from '../../scripts/k8s/kube-versions.js';
import { helmBinary } from '../../scripts/tools/helm-binary.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHART = `${ROOT}k8s/whc-api`;
export { KUBE_VERSION, SUPPORTED_KUBE_VERSIONS } from '../../scripts/k8s/kube-versions.js';
export const RELEASE = 'whc-api';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const PROFILES = {
  default: [],
  dev: ['-f', `${CHART}/values-dev.yaml`],
  prod: ['-f', `${CHART}/values-prod.yaml`],
  // Every optional template switched on, so each is rendered and validated at least once.
  everything: [
    '-f',
    `${CHART}/values-prod.yaml`,
    '--set',
    'autoscaling.enabled=true',
    '--set',
    'httpRoute.enabled=true',
    '--set',
    'httpRoute.parentRefs[0].name=gw',
    '--set',
    'ingress.tlsSecretName=whc-tls',
    '--set',
    'metrics.serviceMonitor.enabled=true',
    // The shared volume and its publish Jobs, and every override key of `helm create`'s starter.
    '--set',
    'data.source=volume',
    '--set',
    'dataJob.allowShrink=true',
    '--set-json',
    'podLabels={"team":"maps"}',
    '--set-json',
    'podAnnotations={"sidecar.istio.io/inject":"false"}',
    '--set-json',
    'podSecurityContext={"runAsUser":1001,"runAsGroup":1001,"fsGroup":1001,"fsGroupChangePolicy":"OnRootMismatch"}',
    '--set-json',
    'securityContext={"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]},"seLinuxOptions":{"level":"s0:c123,c456"}}',
    '--set-json',
    'affinity={"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/arch","operator":"In","values":["amd64","arm64"]}]}]}}}',
    '--set-json',
    'tolerations=[{"key":"dedicated","operator":"Equal","value":"whc","effect":"NoSchedule"}]',
    '--set-json',
    'nodeSelector={"kubernetes.io/os":"linux"}',
    '--set-json',
    'extraEnv=[{"name":"NODE_EXTRA_CA_CERTS","value":"/etc/ca/ca.crt"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]',
    '--set-json',
    'extraVolumes=[{"name":"ca","configMap":{"name":"corporate-ca"}}]',
    '--set-json',
    'extraVolumeMounts=[{"name":"ca","mountPath":"/etc/ca","readOnly":true}]',
    '--set-json',
    'serviceAccount={"annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/whc"},"automount":true}',
  ],
} as const;
export type Profile = keyof typeof PROFILES;

export function helmRun(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(helmBinary(), args, { encoding: 'utf8' });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function renderText(profile: Profile, extra: readonly string[] = [], kubeVersion: string = KUBE_VERSION): string {
  const result = helmRun(['template', RELEASE, CHART, '--kube-version', kubeVersion, ...PROFILES[profile], ...extra]);
  if (result.status !== 0) throw new Error(`helm template (${profile}, Kubernetes ${kubeVersion}) failed: ${result.stderr}`);
  return result.stdout;
}

/** Parses rendered YAML strictly, as Flux and kustomize do: a duplicate key or any other YAML error throws. */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text, { uniqueKeys: true, strict: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML is invalid: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** NOTES.txt as `helm install` prints it: a client-side dry run (no cluster is contacted). */
export function notes(profile: Profile, extra: readonly string[] = []): string {
  const result = helmRun(['install', RELEASE, CHART, '--dry-run=client', ...PROFILES[profile], ...extra]);
  if (result.status !== 0) throw new Error(`helm install --dry-run=client (${profile}) failed: ${result.stderr}`);
  const start = result.stdout.indexOf('\nNOTES:\n');
  if (start === -1) throw new Error('helm install printed no NOTES');
  return result.stdout.slice(start + '\nNOTES:\n'.length);
}

export function render(profile: Profile, extra: readonly string[] = [], kubeVersion: string = KUBE_VERSION): K8sObject[] {
  return parseObjects(renderText(profile, extra, kubeVersion));
}

export function findObject<T = K8sObject>(
  objects: readonly K8sObject[],
  kind: string,
  predicate: (o: K8sObject) => boolean = () => true,
): T {
  const found = objects.find((o) => o.kind === kind && predicate(o));
  if (found === undefined) throw new Error(`no ${kind} rendered`);
  return found as T;
}
