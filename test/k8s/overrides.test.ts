/**
 * The override keys every `helm create` chart takes, each given on the command line as a user
 * would (`--set`, `--set-json`) and found where it belongs in the rendered objects.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CHART, findObject, render, type K8sObject } from './helm.js';

type Labels = Record<string, string>;
interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  affinity?: Record<string, unknown>;
  tolerations?: unknown[];
  nodeSelector?: Labels;
  volumes: { name: string; configMap?: { name: string } }[];
}
interface PodTemplate {
  metadata: { labels: Labels; annotations?: Labels };
  spec: PodSpec;
}

const deployment = (objects: K8sObject[]) =>
  findObject<{ spec: { selector: { matchLabels: Labels }; template: PodTemplate } } & K8sObject>(objects, 'Deployment');
const podTemplate = (objects: K8sObject[]) => deployment(objects).spec.template;
const api = (objects: K8sObject[]) => podTemplate(objects).spec.containers[0] as Container;
/** Every pod spec of a render: the API pods, the data Job's and CronJob's, the test pod. */
function podSpecs(objects: K8sObject[]): [string, PodSpec][] {
  return objects.flatMap((o): [string, PodSpec][] => {
    const any = o as any;
    if (o.kind === 'Deployment' || o.kind === 'Job') return [[`${o.kind}/${o.metadata.name}`, any.spec.template.spec]];
    if (o.kind === 'CronJob') return [[`${o.kind}/${o.metadata.name}`, any.spec.jobTemplate.spec.template.spec]];
    if (o.kind === 'Pod') return [[`${o.kind}/${o.metadata.name}`, any.spec]];
    return [];
  });
}

describe('Helm chart: the usual overrides (helm create keys)', function () {
  this.timeout(60_000);
  const defaults = render('default');
  const values = parseYaml(readFileSync(`${CHART}/values.yaml`, 'utf8')) as Record<string, unknown>;

  it('values.yaml declares every override key of the helm create starter', () => {
    for (const key of [
      'podAnnotations',
      'podLabels',
      'podSecurityContext',
      'securityContext',
      'affinity',
      'tolerations',
      'nodeSelector',
      'extraEnv',
      'extraVolumes',
      'extraVolumeMounts',
      'imagePullSecrets',
      'resources',
      'nameOverride',
      'fullnameOverride',
    ])
      expect(values, key).to.have.property(key);
    expect(values['serviceAccount']).to.include.keys('create', 'name', 'annotations', 'automount');
  });

  // --set-string where a value reads as a number or a boolean: labels and annotations are strings (the schema says so).
  it('podLabels label the API pods and leave the selector alone', () => {
    const objects = render('default', ['--set', 'podLabels.team=maps', '--set-string', 'podLabels.cost-centre=42']);
    const template = podTemplate(objects);
    expect(template.metadata.labels).to.include({ team: 'maps', 'cost-centre': '42', 'app.kubernetes.io/component': 'api' });
    expect(deployment(objects).spec.selector).to.deep.equal(deployment(defaults).spec.selector);
    const selector = deployment(objects).spec.selector.matchLabels;
    for (const [key, value] of Object.entries(selector)) expect(template.metadata.labels[key], key).to.equal(value);
  });

  it('podAnnotations annotate the API pods, may turn scraping off, and never replace the config checksum', () => {
    const objects = render('default', [
      '--set-string',
      'podAnnotations.sidecar\\.istio\\.io/inject=false',
      '--set-string',
      'podAnnotations.prometheus\\.io/scrape=false',
    ]);
    const annotations = podTemplate(objects).metadata.annotations ?? {};
    expect(annotations).to.include({ 'sidecar.istio.io/inject': 'false', 'prometheus.io/scrape': 'false' });
    expect(annotations['checksum/config']).to.equal(podTemplate(defaults).metadata.annotations?.['checksum/config']);
  });

  it('podSecurityContext replaces the pod security context key by key, in every pod; the rest stays restricted', () => {
    const objects = render('default', ['--set', 'podSecurityContext.runAsUser=1001', '--set', 'podSecurityContext.fsGroup=2000']);
    for (const [name, spec] of podSpecs(objects))
      expect(spec.securityContext, name).to.deep.equal({
        runAsNonRoot: true,
        runAsUser: 1001,
        runAsGroup: 1000,
        fsGroup: 2000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
  });

  it("securityContext replaces the container's key by key (false too); other containers keep a read-only root", () => {
    const objects = render('default', [
      '--set',
      'securityContext.readOnlyRootFilesystem=false',
      '--set-json',
      'securityContext.capabilities={"drop":["ALL"],"add":["NET_BIND_SERVICE"]}',
    ]);
    expect(api(objects).securityContext).to.deep.equal({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    const test = findObject<{ spec: PodSpec } & K8sObject>(objects, 'Pod');
    expect(test.spec.containers[0]?.securityContext).to.include({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it("affinity replaces the chart's anti-affinity in the API pods", () => {
    const nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] }],
      },
    };
    const objects = render('prod', ['--set-json', `affinity=${JSON.stringify({ nodeAffinity })}`]);
    expect(podTemplate(objects).spec.affinity).to.deep.equal({ nodeAffinity });
    expect(podTemplate(render('prod')).spec.affinity).to.have.keys('podAntiAffinity');
  });

  it('tolerations and nodeSelector place every pod of the release: the API, the data Jobs and the test pod', () => {
    const objects = render('prod', [
      '--set',
      'data.source=volume',
      '--set',
      'nodeSelector.pool=whc',
      '--set',
      'tolerations[0].key=dedicated',
      '--set',
      'tolerations[0].operator=Exists',
    ]);
    const specs = podSpecs(objects);
    expect(specs.map(([name]) => name.split('/')[0])).to.include.members(['Deployment', 'Job', 'CronJob', 'Pod']);
    for (const [name, spec] of specs) {
      expect(spec.nodeSelector, name).to.deep.equal({ pool: 'whc' });
      expect(spec.tolerations, name).to.deep.equal([{ key: 'dedicated', operator: 'Exists' }]);
    }
    for (const [name, spec] of podSpecs(defaults)) expect(spec, name).to.not.have.any.keys('nodeSelector', 'tolerations');
  });

  it('extraEnv follows the chart’s own variables in the API container, values and valueFrom alike', () => {
    const objects = render('default', [
      '--set',
      'extraEnv[0].name=NODE_EXTRA_CA_CERTS',
      '--set',
      'extraEnv[0].value=/etc/ca/ca.crt',
      '--set',
      'extraEnv[1].name=POD_NAME',
      '--set',
      'extraEnv[1].valueFrom.fieldRef.fieldPath=metadata.name',
    ]);
    const env = api(objects).env ?? [];
    expect(env.map((e) => e.name)).to.deep.equal(['HOST', 'PORT', 'DATA_FILE', 'NODE_EXTRA_CA_CERTS', 'POD_NAME']);
    expect(env[3]).to.deep.equal({ name: 'NODE_EXTRA_CA_CERTS', value: '/etc/ca/ca.crt' });
    expect(env[4]).to.deep.equal({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });

  it('extraVolumes and extraVolumeMounts add to the API pod’s own', () => {
    const objects = render('default', [
      '--set',
      'extraVolumes[0].name=ca',
      '--set',
      'extraVolumes[0].configMap.name=corporate-ca',
      '--set',
      'extraVolumeMounts[0].name=ca',
      '--set',
      'extraVolumeMounts[0].mountPath=/etc/ca',
      '--set',
      'extraVolumeMounts[0].readOnly=true',
    ]);
    const spec = podTemplate(objects).spec;
    expect(spec.volumes.map((v) => v.name)).to.deep.equal(['tmp', 'ca']);
    expect(spec.volumes[1]).to.deep.equal({ name: 'ca', configMap: { name: 'corporate-ca' } });
    expect(api(objects).volumeMounts).to.deep.include({ name: 'ca', mountPath: '/etc/ca', readOnly: true });
  });

  it('serviceAccount.annotations annotate the ServiceAccount; automount mounts its token in the API pods only', () => {
    const objects = render('default', [
      '--set',
      'serviceAccount.annotations.iam\\.gke\\.io/gcp-service-account=whc@project.iam.gserviceaccount.com',
      '--set',
      'serviceAccount.automount=true',
    ]);
    const account = findObject<{ automountServiceAccountToken: boolean } & K8sObject>(objects, 'ServiceAccount');
    expect(account.metadata.annotations).to.deep.equal({ 'iam.gke.io/gcp-service-account': 'whc@project.iam.gserviceaccount.com' });
    expect(account.automountServiceAccountToken).to.equal(true);
    expect(podTemplate(objects).spec.automountServiceAccountToken).to.equal(true);
    expect(findObject<{ spec: PodSpec } & K8sObject>(objects, 'Pod').spec.automountServiceAccountToken).to.equal(false);
    const byDefault = findObject<{ automountServiceAccountToken: boolean } & K8sObject>(defaults, 'ServiceAccount');
    expect(byDefault.automountServiceAccountToken).to.equal(false);
    expect(byDefault.metadata).to.not.have.property('annotations');
    expect(podTemplate(defaults).spec.automountServiceAccountToken).to.equal(false);
  });
});
