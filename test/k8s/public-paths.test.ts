/**
 * What the public Ingress and HTTPRoute route: every public operation of the API the real server
 * describes (its OpenAPI document) and the files its /docs page loads, and never /metrics, /status
 * or the probes. Matching follows the two APIs' documented rules, written here independently of
 * the chart: Ingress `Prefix` and Gateway API `PathPrefix` both match whole path elements
 * (`/query` matches `/query` and `/query/x`, not `/queryx`).
 */
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { findObject, render, type K8sObject } from './helm.js';

/** Where Prometheus and the kubelet reach the pods, never the public: the policy under test. */
const INTERNAL = ['/metrics', '/status', '/health', '/ready'];

interface Rule {
  type: string;
  value: string;
}
function elementPrefixMatches(prefix: string, path: string): boolean {
  const want = prefix.split('/').filter(Boolean);
  const got = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  return want.every((element, i) => got[i] === element);
}
const admits = (rules: Rule[], path: string) =>
  rules.some((rule) => {
    if (rule.type === 'Prefix' || rule.type === 'PathPrefix') return elementPrefixMatches(rule.value, path);
    if (rule.type === 'Exact') return rule.value === path.split('?')[0];
    throw new Error(`unexpected path type ${rule.type}`);
  });

function ingressRules(objects: K8sObject[]): Rule[] {
  const ingress = findObject<K8sObject & { spec: { rules: { http: { paths: { path: string; pathType: string }[] } }[] } }>(
    objects,
    'Ingress',
  );
  return ingress.spec.rules.flatMap((r) => r.http.paths.map((p) => ({ type: p.pathType, value: p.path })));
}
function routeRules(objects: K8sObject[]): Rule[] {
  const route = findObject<K8sObject & { spec: { rules: { matches: { path: Rule }[] }[] } }>(objects, 'HTTPRoute');
  return route.spec.rules.flatMap((r) => r.matches.map((m) => m.path));
}

describe('Helm chart: the public Ingress and HTTPRoute route the public API only', function () {
  this.timeout(60_000);
  let server: TestServer;
  let documented: string[];
  let docsAssets: string[];
  const prod = render('prod');
  const everything = render('everything');
  const routes: [string, Rule[]][] = [
    ['prod Ingress', ingressRules(prod)],
    ['HTTPRoute', routeRules(everything)],
  ];

  before(async () => {
    server = await startTestServer();
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    // A sample path of each operation: parameters filled with a value of the right shape.
    documented = Object.keys(document.paths).map((p) => p.replace(/\{[^}]+\}/g, '230'));
    const page = await (await fetch(`${server.url}/docs`)).text();
    docsAssets = [...page.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((m) => m[1] as string);
    // The page's own script names the document it loads (`url: '/openapi.json'`).
    for (const script of docsAssets.filter((a) => a.endsWith('/init.js'))) {
      const code = await (await fetch(`${server.url}${script}`)).text();
      docsAssets.push(...[...code.matchAll(/url: '(\/[^']*)'/g)].map((m) => m[1] as string));
    }
  });
  after(() => server.close());

  it('the real OpenAPI document and /docs page are what the checks below read', () => {
    expect(documented).to.include.members(['/query', '/sites/230', '/metrics', '/status']);
    expect(docsAssets).to.include.members(['/docs/swagger-ui-bundle.js', '/openapi.json']);
  });

  for (const [label, rules] of routes) {
    it(`${label}: admits every documented operation but the internal ones, and every file /docs loads`, () => {
      for (const path of documented.filter((p) => !INTERNAL.includes(p))) expect(admits(rules, path), path).to.equal(true);
      for (const path of docsAssets) expect(admits(rules, path), path).to.equal(true);
      expect(admits(rules, '/query?unique_number=230')).to.equal(true);
    });

    it(`${label}: admits none of /metrics, /status, /health, /ready, nor the root`, () => {
      for (const path of [...INTERNAL, '/', '/metrics/', '/status?x=1', '/queryx']) expect(admits(rules, path), path).to.equal(false);
      expect(
        INTERNAL.every((p) => documented.includes(p)),
        'the internal paths are documented operations',
      ).to.equal(true);
    });
  }

  it('routes only paths the API serves: each rule is a prefix of a documented operation', () => {
    for (const [label, rules] of routes)
      for (const rule of rules)
        expect(
          documented.some((path) => elementPrefixMatches(rule.value, path)),
          `${label} ${rule.value}`,
        ).to.equal(true);
  });
});
