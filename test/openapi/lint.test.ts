/**
 * The served /openapi.json passes Redocly CLI (redocly.yaml: recommended-strict) and Spectral
 * (.spectral.yaml: every spectral:oas rule) with no error and no warning; a copy broken as the
 * document once was (a string example on an integer, an array without items) fails both.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { fetchServedDocument, writeDocument, type OpenApiDocument } from '../helpers/served-document.js';
import { startTestServer } from '../helpers/test-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

interface Lint {
  readonly ok: boolean;
  readonly output: string;
}

async function lint(tool: 'redocly' | 'spectral', file: string): Promise<Lint> {
  const args = tool === 'redocly' ? ['lint', '--format=stylish', file] : ['lint', '--fail-severity=warn', '--format=text', file];
  // No telemetry or update checks: CI has no network but the package registries.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  try {
    const { stdout, stderr } = await run(`${ROOT}node_modules/.bin/${tool}`, args, { cwd: ROOT, env, timeout: 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: unknown };
    if (typeof e.code !== 'number') throw error;
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

type Broken = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; schema: Record<string, unknown> }[];
        requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> };
      }
    >
  >;
};

describe('the OpenAPI document under Redocly CLI and Spectral', function () {
  this.timeout(120_000);
  let document: OpenApiDocument;
  let served: string;
  before(async () => {
    const server = await startTestServer();
    try {
      document = await fetchServedDocument(server);
    } finally {
      await server.close();
    }
    served = writeDocument('openapi.json', document);
  });

  for (const tool of ['redocly', 'spectral'] as const) {
    it(`${tool} finds no error and no warning in the served document`, async () => {
      const result = await lint(tool, served);
      expect(result.ok, result.output).to.equal(true);
      expect(result.output).not.to.match(/\bwarning\b/i);
    });
  }

  const withStringExample = (where: 'parameter' | 'schema'): string => {
    const broken = structuredClone(document) as unknown as Broken;
    const parameter = broken.paths['/query']?.['get']?.parameters?.find((p) => p.name === 'unique_number') as
      { example?: unknown; schema: Record<string, unknown> } | undefined;
    expect(parameter?.schema['type']).to.equal('integer');
    if (where === 'parameter' && parameter !== undefined) parameter.example = '230';
    if (where === 'schema' && parameter !== undefined) parameter.schema['examples'] = ['230'];
    return writeDocument(`broken-${where}-example.json`, broken);
  };

  it('both fail a copy with a string example on an integer parameter, as the document once had', async () => {
    const file = withStringExample('parameter');
    for (const tool of ['redocly', 'spectral'] as const) {
      const result = await lint(tool, file);
      expect(result.ok, `${tool} passed a string example on an integer`).to.equal(false);
      expect(result.output, tool).to.match(/type must be integer|"integer"/);
    }
  });

  // Spectral does not read `examples` inside a parameter's schema (where ours are); Redocly does.
  it('Redocly fails a copy with a string in the schema examples of an integer parameter', async () => {
    const result = await lint('redocly', withStringExample('schema'));
    expect(result.ok).to.equal(false);
    expect(result.output).to.include('no-invalid-schema-examples');
  });

  // Redocly has no rule for it (it passes this copy); Spectral's array-items does.
  it('Spectral fails a copy whose POST body has an array without items', async () => {
    const broken = structuredClone(document) as unknown as Broken;
    const properties = broken.paths['/query']?.['post']?.requestBody?.content['application/json']?.schema.properties ?? {};
    expect(properties['danger']).to.not.equal(undefined);
    properties['danger'] = { type: ['string', 'number', 'boolean', 'array'] };
    const file = writeDocument('broken-body.json', broken);
    const result = await lint('spectral', file);
    expect(result.ok, result.output).to.equal(false);
    expect(result.output).to.include('array-items');
  });
});
