import { expect } from 'chai';
import {
  CHART,
  KUBE_VERSION,
  PROFILES,
  RELEASE,
  SUPPORTED_KUBE_VERSIONS,
  findObject,
  helmRun,
  render,
  type K8sObject,
  type Profile,
} from './helm.js';
import { modelModule, schemaErrors, unknownFieldDiagnostics } from './model-check.js';

const profiles = Object.keys(PROFILES) as Profile[];
/** `1.35.0/prod`: each profile rendered at each supported Kubernetes version. */
const renders = SUPPORTED_KUBE_VERSIONS.flatMap((version) =>
  profiles.map((profile) => ({ version, profile, key: `${version}/${profile}` })),
);

describe('Helm chart k8s/whc-api', function () {
  this.timeout(60_000);
  const rendered = {} as Record<Profile, K8sObject[]>;
  const renderedAt: Record<string, K8sObject[]> = {};
  before(() => {
    for (const { version, profile, key } of renders) renderedAt[key] = render(profile, [], version);
    for (const profile of profiles) rendered[profile] = renderedAt[`${KUBE_VERSION}/${profile}`] as K8sObject[];
  });

  describe('lint and render', () => {
    for (const values of ['values.yaml', 'values-dev.yaml', 'values-prod.yaml']) {
      it(`passes helm lint --strict with ${values}`, () => {
        const result = helmRun(['lint', '--strict', CHART, '-f', `${CHART}/${values}`]);
        expect(result.status, result.stdout + result.stderr).to.equal(0);
      });
    }

    it(`renders every profile at each supported Kubernetes version (${SUPPORTED_KUBE_VERSIONS.join(', ')})`, () => {
      for (const { key } of renders) expect(renderedAt[key]?.length, key).to.be.greaterThan(5);
    });

    // Helm template enforces Chart.yaml kubeVersion (lint does not): an end-of-life minor, and the
    // last patch of the minor before the supported ones.
    for (const version of ['1.33.0', '1.34.11']) {
      it(`refuses to render for Kubernetes ${version}, older than the supported minors`, () => {
        const result = helmRun(['template', RELEASE, CHART, '--kube-version', version]);
        expect(result.status).to.not.equal(0);
        expect(result.stderr).to.include('kubeVersion');
      });
    }

    // No upper bound: a future minor is not refused before anyone knows it breaks something.
    it('accepts any patch release of a supported minor, later minors, and a provider pre-release suffix', () => {
      for (const version of ['1.37.9', '1.38.0', '1.40.2', '1.36.2-eks-1a2b3c'])
        expect(helmRun(['template', RELEASE, CHART, '--kube-version', version]).status, version).to.equal(0);
    });
  });

  describe('Kubernetes schemas', () => {
    it('validates every rendered object of every profile at every supported version (zero errors)', async () => {
      const errors: string[] = [];
      const kinds = new Set<string>();
      for (const { key } of renders) {
        for (const object of renderedAt[key] as K8sObject[]) {
          errors.push(...(await schemaErrors(object)).map((e) => `${key}: ${e}`));
          kinds.add(`${object.apiVersion}/${object.kind}`);
        }
      }
      expect(errors).to.deep.equal([]);
      expect([...kinds]).to.include.members([
        'gateway.networking.k8s.io/v1/HTTPRoute',
        'monitoring.coreos.com/v1/ServiceMonitor',
        'apps/v1/Deployment',
      ]);
    });

    it('has no unknown or misspelled field in any rendered object (typed as the models, checked by tsc)', () => {
      const byRender = Object.fromEntries(Object.entries(renderedAt).map(([key, objects]) => [key.replace(/\W+/g, '_'), objects]));
      expect(unknownFieldDiagnostics(byRender)).to.equal('');
    });

    it('the schema check does catch a wrong type, in a built-in kind and in HTTPRoute and ServiceMonitor', async () => {
      const deployment = structuredClone<any>(findObject(rendered.everything, 'Deployment'));
      deployment.spec.replicas = 'two';
      const route = structuredClone<any>(findObject(rendered.everything, 'HTTPRoute'));
      route.spec.parentRefs[0].port = 'http';
      const monitor = structuredClone<any>(findObject(rendered.everything, 'ServiceMonitor'));
      monitor.spec.endpoints = 'metrics';
      const cases: [any, string][] = [
        [deployment, 'spec/replicas must be integer'],
        [route, 'spec/parentRefs/0/port must be integer'],
        [monitor, 'spec/endpoints must be array'],
      ];
      for (const [broken, message] of cases) expect((await schemaErrors(broken)).join('\n'), modelModule(broken)).to.include(message);
    });

    it('the unknown-field check does catch a misspelled field, in a built-in kind and in HTTPRoute and ServiceMonitor', () => {
      const deployment = structuredClone(findObject(rendered.dev, 'Deployment'));
      const container = (deployment as any).spec.template.spec.containers[0];
      container.readinesProbe = container.readinessProbe;
      delete container.readinessProbe;
      const route = structuredClone<any>(findObject(rendered.everything, 'HTTPRoute'));
      route.spec.parentRef = route.spec.parentRefs;
      const monitor = structuredClone<any>(findObject(rendered.everything, 'ServiceMonitor'));
      monitor.spec.endpoints[0].scrapeInterval = '30s';
      const diagnostics = unknownFieldDiagnostics({ misspelled: [deployment, route, monitor] });
      for (const field of ['readinesProbe', 'parentRef', 'scrapeInterval']) expect(diagnostics).to.include(`'"${field}"' does not exist`);
    });
  });

  describe('values.schema.json', () => {
    const reject = (args: string[], message: string) => {
      const result = helmRun(['template', RELEASE, CHART, '--kube-version', KUBE_VERSION, ...args]);
      expect(result.status, `accepted ${args.join(' ')}`).to.not.equal(0);
      expect(result.stderr).to.include(message);
    };
    it('rejects negative replicas', () => reject(['--set', 'replicaCount=-1'], "'/replicaCount'"));
    it('rejects a nodePort outside 30000-32767', () => {
      reject(['--set', 'service.type=NodePort', '--set', 'service.nodePort=80'], "'/service/nodePort'");
      reject(['--set', 'service.type=NodePort', '--set', 'service.nodePort=32768'], "'/service/nodePort'");
    });
    it('rejects an unknown key, at the top and in a profile section', () => {
      reject(['--set', 'replicas=3'], "additional properties 'replicas' not allowed");
      reject(['--set', 'ingress.hostname=x'], "additional properties 'hostname' not allowed");
    });
    it('rejects an unknown anti-affinity mode, a root user, a privileged or escalating container', () => {
      reject(['--set', 'antiAffinity=sometimes'], "'/antiAffinity'");
      reject(['--set', 'securityContext.runAsUser=0'], "'/securityContext/runAsUser'");
      reject(['--set', 'podSecurityContext.runAsUser=0'], "'/podSecurityContext/runAsUser'");
      reject(['--set', 'podSecurityContext.runAsNonRoot=false'], "'/podSecurityContext/runAsNonRoot'");
      reject(['--set', 'securityContext.privileged=true'], "'/securityContext/privileged'");
      reject(['--set', 'securityContext.allowPrivilegeEscalation=true'], "'/securityContext/allowPrivilegeEscalation'");
    });
    it('rejects an unknown data source, and a hostPath volume or an existing claim without data.source=volume', () => {
      reject(['--set', 'data.source=s3'], "'/data/source'");
      reject(['--set', 'data.hostPath.enabled=true'], "'/data/source'");
      reject(['--set', 'data.existingClaim=shared'], "'/data/source'");
    });
    it("rejects podLabels that would change the selector, extra env the chart sets, and extra volumes named like the chart's", () => {
      reject(['--set', 'podLabels.app\\.kubernetes\\.io/instance=other'], "'/podLabels/app.kubernetes.io~1instance'");
      reject(['--set', 'extraEnv[0].name=DATA_FILE', '--set', 'extraEnv[0].value=/x'], "'/extraEnv/0/name'");
      reject(['--set', 'extraVolumes[0].name=data', '--set', 'extraVolumes[0].emptyDir.medium=Memory'], "'/extraVolumes/0/name'");
    });
    it('rejects an enabled HTTPRoute without a parent Gateway', () =>
      reject(['--set', 'httpRoute.enabled=true'], "'/httpRoute/parentRefs'"));
    it('rejects CORS origins that are not origins, and a negative answer cache', () => {
      reject(['--set', 'corsOrigins=example.org'], "'/corsOrigins'");
      reject(['--set', 'answerCacheMb=-1'], "'/answerCacheMb'");
    });
    it('rejects a negative search wait and a probe without a timeout', () => {
      reject(['--set', 'searchWaitMs=-1'], "'/searchWaitMs'");
      reject(['--set', 'probes.readiness.timeoutSeconds=0'], "'/probes/readiness/timeoutSeconds'");
      reject(['--set', 'probes.liveness.timeoutSeconds=null'], "'/probes/liveness'");
    });
    it('rejects a public path that is not an absolute path prefix', () => {
      reject(['--set', 'publicPaths[0]=query'], "'/publicPaths/0'");
      reject(['--set', 'publicPaths[0]=/query/'], "'/publicPaths/0'");
    });
    it('accepts global values (use as a subchart)', () => {
      expect(helmRun(['template', RELEASE, CHART, '--kube-version', KUBE_VERSION, '--set', 'global.anything=1']).status).to.equal(0);
    });
  });
});
