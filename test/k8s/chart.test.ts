import { expect } from 'chai';
import { CHART, KUBE_VERSION, PROFILES, RELEASE, findObject, helmRun, render, type K8sObject, type Profile } from './helm.js';
import { isModelled, schemaErrors, unknownFieldDiagnostics } from './model-check.js';

const profiles = Object.keys(PROFILES) as Profile[];

describe('Helm chart k8s/whc-api', function () {
  this.timeout(60_000);
  const rendered = {} as Record<Profile, K8sObject[]>;
  before(() => {
    for (const profile of profiles) rendered[profile] = render(profile);
  });

  describe('lint and render', () => {
    for (const values of ['values.yaml', 'values-dev.yaml', 'values-prod.yaml']) {
      it(`passes helm lint --strict with ${values}`, () => {
        const result = helmRun(['lint', '--strict', CHART, '-f', `${CHART}/${values}`]);
        expect(result.status, result.stdout + result.stderr).to.equal(0);
      });
    }

    it('renders every profile at the pinned Kubernetes version', () => {
      for (const profile of profiles) expect(rendered[profile].length, profile).to.be.greaterThan(5);
    });

    it('refuses to render for a Kubernetes older than Chart.yaml kubeVersion (helm template enforces it, lint does not)', () => {
      const result = helmRun(['template', RELEASE, CHART, '--kube-version', '1.30.0']);
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.include('kubeVersion');
    });
  });

  describe('Kubernetes schemas', () => {
    it('validates every rendered object of every profile with kubernetes-models (zero errors)', async () => {
      const errors: string[] = [];
      let checked = 0;
      for (const profile of profiles) {
        for (const object of rendered[profile].filter(isModelled)) {
          errors.push(...(await schemaErrors(object)).map((e) => `${profile}: ${e}`));
          checked++;
        }
      }
      expect(errors).to.deep.equal([]);
      expect(checked).to.be.greaterThan(20);
    });

    it('has no unknown or misspelled field in any rendered object (typed as the models, checked by tsc)', () => {
      expect(unknownFieldDiagnostics(rendered)).to.equal('');
    });

    it('the unknown-field check does catch a misspelled field', () => {
      const deployment = structuredClone(findObject(rendered.dev, 'Deployment'));
      const container = (deployment as any).spec.template.spec.containers[0];
      container.readinesProbe = container.readinessProbe;
      delete container.readinessProbe;
      expect(unknownFieldDiagnostics({ misspelled: [deployment] })).to.include("'\"readinesProbe\"' does not exist");
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
    it('rejects an unknown anti-affinity mode and a root user', () => {
      reject(['--set', 'antiAffinity=sometimes'], "'/antiAffinity'");
      reject(['--set', 'securityContext.runAsUser=0'], "'/securityContext/runAsUser'");
    });
    it('rejects an enabled HTTPRoute without a parent Gateway', () => reject(['--set', 'httpRoute.enabled=true'], "'/httpRoute/parentRefs'"));
    it('rejects CORS origins that are not origins, and a negative answer cache', () => {
      reject(['--set', 'corsOrigins=example.org'], "'/corsOrigins'");
      reject(['--set', 'answerCacheMb=-1'], "'/answerCacheMb'");
    });
    it('accepts global values (use as a subchart)', () => {
      expect(helmRun(['template', RELEASE, CHART, '--kube-version', KUBE_VERSION, '--set', 'global.anything=1']).status).to.equal(0);
    });
  });
});
