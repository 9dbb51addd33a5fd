/**
 * The production image's OCI labels, read from the Dockerfile (the image is built by CI's
 * container smoke test, not here): which keys, and the version agreeing with package.json and the
 * chart's appVersion.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { dockerfilePairs } from '../k8s/dockerfile.js';
import { CHART, ROOT } from '../k8s/helm.js';

/** `${NAME}` in a label value, as the builder substitutes it: the ARG's default. */
const substitute = (value: string, args: Record<string, string>) => value.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');

describe('Dockerfile: OCI image labels of the production image', () => {
  const labels = dockerfilePairs('production', 'LABEL');
  const args = dockerfilePairs('production', 'ARG');
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { name: string; version: string; description: string };
  const chart = parseYaml(readFileSync(`${CHART}/Chart.yaml`, 'utf8')) as { appVersion: string };

  it('carries title, description, version, revision, source and licenses', () => {
    const keys = ['title', 'description', 'version', 'revision', 'source', 'licenses'].map((k) => `org.opencontainers.image.${k}`);
    expect(labels).to.include.keys(keys);
    expect(labels['org.opencontainers.image.title']).to.equal(pkg.name);
    expect(labels['org.opencontainers.image.description']).to.equal(pkg.description);
  });

  it("takes the version from a build argument whose default is package.json's version and the chart's appVersion", () => {
    expect(labels['org.opencontainers.image.version']).to.equal('${VERSION}');
    expect(args).to.have.property('VERSION');
    expect(substitute(labels['org.opencontainers.image.version'] ?? '', args)).to.equal(pkg.version);
    expect(chart.appVersion).to.equal(pkg.version);
  });

  it('names no host: source and revision come from the build, licenses is an SPDX expression', () => {
    for (const name of ['SOURCE', 'REVISION']) expect(args[name], name).to.equal('');
    expect(args['LICENSES']).to.match(/^(NOASSERTION|[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*)$/);
    for (const value of Object.values(labels)) expect(value).to.not.match(/[a-z0-9-]+\.[a-z]{2,}\//i);
  });
});
