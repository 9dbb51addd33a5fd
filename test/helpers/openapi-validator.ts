/**
 * Checks a real HTTP answer against the OpenAPI document, independently of the code that
 * builds it: the operation and status must be documented, the media type must be one the
 * response lists, every documented header must be present when required and match its schema,
 * and the body must validate (Ajv, JSON Schema 2020-12) against the document's own schema.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument } from './served-document.js';

type Json = Record<string, unknown>;
type Header = { required?: boolean; schema: Json };
type Response = { headers?: Record<string, Header>; content?: Record<string, { schema: Json }> };
type Operation = { responses: Record<string, Response> };

/** ajv-formats is CommonJS: under NodeNext its function is the default export's `default`. */
const addFormats = addFormatsModule.default;

export interface Answer {
  readonly method: string;
  /** The request's path and query, as sent. */
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** Columns asked for with `fields` (in the URL or the body): rows then hold exactly those. */
  readonly fields?: readonly string[];
}

const COMPONENT = '#/components/schemas/';
const idOf = (name: string, fields?: readonly string[]) => `urn:whc:${name}${fields === undefined ? '' : `:${fields.join(',')}`}`;

/** Component references become absolute ids, so each schema compiles on its own. */
function rewriteRefs(node: unknown, fields?: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, fields));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENT) ? idOf(v.slice(COMPONENT.length), fields) : rewriteRefs(v, fields),
    ]),
  );
}

export class ResponseValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { path: string; pattern: RegExp }[];
  private readonly projections = new Set<string>();

  private readonly document: OpenApiDocument;

  constructor(document: OpenApiDocument) {
    this.document = document;
    addFormats(this.ajv);
    for (const [name, schema] of Object.entries(document.components.schemas))
      this.ajv.addSchema({ ...(rewriteRefs(schema) as Json), $id: idOf(name) });
    this.templates = Object.keys(document.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
    }));
  }

  /**
   * With `fields`, a row holds exactly the named columns (the Row schema's description says so;
   * JSON Schema cannot tie a body to a parameter): the schemas are the document's, with Row's
   * `required` narrowed to those columns.
   */
  private project(fields: readonly string[]): void {
    const key = fields.join(',');
    if (this.projections.has(key)) return;
    this.projections.add(key);
    for (const [name, schema] of Object.entries(this.document.components.schemas)) {
      const projected = (name === 'Row' ? { ...(schema as Json), required: [...fields] } : schema) as Json;
      this.ajv.addSchema({ ...(rewriteRefs(projected, fields) as Json), $id: idOf(name, fields) });
    }
  }

  private validator(key: string, schema: Json, fields?: readonly string[]): ValidateFunction {
    const cacheKey = `${key} ${fields?.join(',') ?? ''}`;
    let validate = this.compiled.get(cacheKey);
    if (validate === undefined) {
      if (fields !== undefined) this.project(fields);
      validate = this.ajv.compile(rewriteRefs(schema, fields) as Json);
      this.compiled.set(cacheKey, validate);
    }
    return validate;
  }

  /** Every way `answer` departs from the document; empty when it conforms. */
  check(answer: Answer): string[] {
    const path = new URL(answer.url, 'http://x').pathname;
    const template = this.templates.find((t) => t.pattern.test(path))?.path;
    if (template === undefined) return [`${path} is not in the document`];
    const operations = this.document.paths[template] as Record<string, Operation>;
    // A 405 answers a method the path does not have: each of its operations documents it.
    const operation = operations[answer.method.toLowerCase()] ?? (answer.status === 405 ? Object.values(operations)[0] : undefined);
    if (operation === undefined) return [`${answer.method} ${template} is not in the document`];
    const where = `${answer.method} ${template} ${answer.status}`;
    const response = operation.responses[String(answer.status)];
    if (response === undefined) return [`${where}: status not documented`];
    const problems: string[] = [];

    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required === true) problems.push(`${where}: header ${name} missing`);
        continue;
      }
      const typed = header.schema['type'] === 'integer' || header.schema['type'] === 'number' ? Number(value) : value;
      const validate = this.validator(`${where} header ${name}`, header.schema);
      if (!validate(typed)) problems.push(`${where}: header ${name}: ${value}: ${this.ajv.errorsText(validate.errors)}`);
    }

    const contentType = answer.headers.get('content-type');
    if (response.content === undefined) {
      if (answer.body !== '') problems.push(`${where}: a body where none is documented`);
      return problems;
    }
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    const media = response.content[mediaType];
    if (media === undefined)
      return [...problems, `${where}: media type ${contentType ?? 'none'} not documented (${Object.keys(response.content).join(', ')})`];
    const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
    let body: unknown = answer.body;
    if (isJson) {
      try {
        body = JSON.parse(answer.body);
      } catch {
        return [...problems, `${where}: body is not JSON`];
      }
    }
    const validate = this.validator(`${where} ${mediaType}`, media.schema, answer.fields);
    if (!validate(body)) problems.push(`${where} ${mediaType}: ${this.ajv.errorsText(validate.errors)}`);
    return problems;
  }
}
