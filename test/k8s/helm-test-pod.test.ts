/**
 * The `helm test` pod: its own script, as the chart renders it, run by Node against a real server,
 * with the environment the kubelet would give it (the pod's env plus the service links of the
 * rendered Service). What needs a cluster (the hook, the ClusterIP, `helm test --logs`) is checked
 * on the rendered object only.
 */
import { expect } from 'chai';
import { runNode } from '../helpers/node-process.js';
import { referenceData } from '../helpers/reference-csv.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { findObject, render, type K8sObject } from './helm.js';

interface TestPod extends K8sObject {
  spec: {
    activeDeadlineSeconds?: number;
    enableServiceLinks?: boolean;
    containers: {
      command: string[];
      env: { name: string; value: string }[];
      resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    }[];
  };
}

/** The variables the kubelet injects for a Service (pkg/kubelet/envvars): the name upper-cased, '-' as '_'. */
function serviceLinks(serviceName: string, url: string): Record<string, string> {
  const prefix = serviceName.toUpperCase().replaceAll('-', '_');
  const { hostname, port } = new URL(url);
  return { [`${prefix}_SERVICE_HOST`]: hostname, [`${prefix}_SERVICE_PORT`]: port };
}

/** Runs the test pod's container command (`node ...`) with the pod's env and the given extra variables, nothing else. */
function runTestPod(objects: K8sObject[], extraEnv: Record<string, string>) {
  const container = findObject<TestPod>(objects, 'Pod').spec.containers[0];
  if (container === undefined) throw new Error('the test pod has no container');
  const [node, ...argv] = container.command;
  expect(node).to.equal('node');
  const env = { ...Object.fromEntries(container.env.map((e) => [e.name, e.value])), ...extraEnv };
  return runNode(argv, { env });
}

describe('Helm chart: the helm test pod', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('passes against the real API, found through the service links of the Service it tests (no DNS)', async () => {
    // A release name with hyphens, so the variable names are derived, not the default's.
    const objects = render('default', ['--set', 'fullnameOverride=my-whc-api']);
    const service = findObject(objects, 'Service').metadata.name;
    const result = await runTestPod(objects, serviceLinks(service, server.url));
    expect(result.code, result.stderr).to.equal(0);
    const site = referenceData().rows.find((row) => row['unique_number'] === 230);
    expect(result.stdout).to.include(`/query?unique_number=230 -> ${String(site?.['name_en'])}`);
  });

  it('fails, naming the variable, when the service links are missing', async () => {
    const objects = render('default');
    const result = await runTestPod(objects, {});
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('no WHC_API_SERVICE_HOST/WHC_API_SERVICE_PORT in the environment');
  });

  it('fails when the API does not answer the row it asks for', async () => {
    const objects = render('default', ['--set', 'tests.uniqueNumber=999999']);
    const result = await runTestPod(objects, serviceLinks(findObject(objects, 'Service').metadata.name, server.url));
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('/query answered');
  });

  it('names no DNS host: the address comes from the service links only', () => {
    const pod = findObject<TestPod>(render('default'), 'Pod');
    const text = JSON.stringify(pod.spec.containers[0]);
    expect(text).to.not.match(/https?:\/\/[a-z]/);
    expect(pod.spec.enableServiceLinks).to.equal(true);
  });

  it('stays after success for `helm test --logs` (before-hook-creation only), with resources and a deadline', () => {
    const pod = findObject<TestPod>(render('prod'), 'Pod');
    expect(pod.metadata.annotations?.['helm.sh/hook']).to.equal('test');
    expect(pod.metadata.annotations?.['helm.sh/hook-delete-policy']).to.equal('before-hook-creation');
    const resources = pod.spec.containers[0]?.resources;
    expect(resources?.requests).to.have.keys('cpu', 'memory');
    expect(resources?.limits).to.have.keys('memory');
    expect(pod.spec.activeDeadlineSeconds).to.be.greaterThan(0);
  });
});
