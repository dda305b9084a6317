import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenAPIV3_1 } from 'openapi-types';
import YAML from 'yaml';

/** An exchange to check: what was asked and what came back (body parsed from JSON, '' when empty). */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  body: unknown;
}

export interface Verdict {
  exchange: Exchange;
  /** Where in the document the expected response was found, e.g. `GET /x.json 200`. */
  where: string;
  errors: string[];
}

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function openapiFile(name: string): string {
  return fileURLToPath(new URL(`../../openapi/${name}`, import.meta.url));
}

export type Document = OpenAPIV3_1.Document & Json;

export function loadDocument(name: string): Document {
  const doc = YAML.parse(readFileSync(openapiFile(name), 'utf8')) as Document;
  if (!/^3\.1\./.test(doc.openapi)) throw new Error(`${name} is not OpenAPI 3.1`);
  return doc;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describeError(e: ErrorObject): string {
  const params = Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
  return `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${params}`;
}

/**
 * Validates recorded responses against an OpenAPI 3.1 document. The whole document is
 * registered with ajv under an `$id`, and each response schema is compiled as a `$ref` into
 * it, so `#/components/...` references resolve against the document itself.
 */
export class ContractValidator {
  readonly doc: Document;
  private readonly id: string;
  private readonly ajv: InstanceType<typeof Ajv2020.default>;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; regex: RegExp }[];

  constructor(name: string) {
    this.doc = loadDocument(name);
    this.id = `https://provider-sim.test/openapi/${name}`;
    this.ajv = new Ajv2020.default({ strict: true, allErrors: true, validateFormats: false, allowUnionTypes: true });
    // Top-level OpenAPI fields are not JSON Schema keywords; declaring them keeps strict mode
    // on for every schema inside the document.
    this.ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs']);
    this.ajv.addSchema({ ...this.doc, $id: this.id });
    this.templates = Object.keys(this.doc.paths as Json).map((template) => ({
      template,
      regex: new RegExp(
        '^' +
          template
            .split(/(\{[^}]+\})/)
            .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
            .join('') +
          '$',
      ),
    }));
  }

  /** The path template of the document matching a URL's path, if any. */
  matchPath(url: string): string | undefined {
    const path = new URL(url, 'http://x').pathname;
    return this.templates.find((t) => t.regex.test(path))?.template;
  }

  /** JSON pointer of a node of the document, following a `$ref` to a local component. */
  private deref(pointer: string): { pointer: string; node: Json } | undefined {
    let node: unknown = this.doc;
    for (const part of pointer.split('/').slice(1)) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (node === null || typeof node !== 'object') return undefined;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/')) return this.deref(ref.slice(1));
    return { pointer, node: node as Json };
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.compiled.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `${this.id}#${pointer}` });
      this.compiled.set(pointer, v);
    }
    return v;
  }

  /** Validates a body against the schema at a JSON pointer (a response object or a schema). */
  validateAt(responsePointer: string, body: unknown): string[] {
    const response = this.deref(responsePointer);
    if (!response) return [`nothing at ${responsePointer}`];
    const content = response.node.content as Json | undefined;
    if (!content) {
      return body === '' || body === undefined || body === null ? [] : [`expected no body, got ${JSON.stringify(body).slice(0, 200)}`];
    }
    if (!content['application/json']) {
      // A non-JSON response (HTML, plain text, bytes) is recorded as its text.
      return typeof body === 'string' ? [] : [`expected a non-JSON body at ${response.pointer}, got ${JSON.stringify(body).slice(0, 200)}`];
    }
    const v = this.validator(`${response.pointer}/content/application~1json/schema`);
    return v(body) ? [] : (v.errors ?? []).map(describeError);
  }

  /**
   * Checks one exchange: the operation for its path and method, then the response for its
   * status code. A documented path called with an undocumented method must answer the
   * document's `components.responses.MethodNotAllowed`.
   */
  check(x: Exchange): Verdict {
    const template = this.matchPath(x.url);
    const method = x.method.toLowerCase();
    if (!template) return { exchange: x, where: '(no path)', errors: [`no path of the document matches ${x.url}`] };
    const item = (this.doc.paths as Json)[template] as Json;
    const op = METHODS.includes(method) ? (item[method] as Json | undefined) : undefined;
    if (!op) {
      const where = `${x.method} ${template} ${x.status} (components/responses/MethodNotAllowed)`;
      if (x.status !== 405) return { exchange: x, where, errors: [`method not documented, expected 405, got ${x.status}`] };
      return { exchange: x, where, errors: this.validateAt('/components/responses/MethodNotAllowed', x.body) };
    }
    const where = `${x.method} ${template} ${x.status}`;
    const responses = op.responses as Json;
    if (!(String(x.status) in responses)) {
      return { exchange: x, where, errors: [`status ${x.status} not documented for ${op.operationId as string}`] };
    }
    return {
      exchange: x,
      where,
      errors: this.validateAt(`/paths/${escapePointer(template)}/${method}/responses/${x.status}`, x.body),
    };
  }

  /** The operationId documented for a method and URL. */
  /** Every documented `operationId status` pair. */
  documentedResponses(): Set<string> {
    const documented = new Set<string>();
    for (const item of Object.values(this.doc.paths as Record<string, Record<string, { operationId?: string; responses?: object }>>)) {
      for (const op of Object.values(item)) {
        if (op && typeof op === 'object' && op.operationId && op.responses) {
          for (const status of Object.keys(op.responses)) documented.add(`${op.operationId} ${status}`);
        }
      }
    }
    return documented;
  }

  /** The `operationId status` pairs the exchanges produced (`METHOD status` off the document). */
  seenResponses(exchanges: Exchange[]): Set<string> {
    const seen = new Set<string>();
    for (const x of exchanges) {
      const op = this.operationId(x.method, x.url);
      seen.add(op ? `${op} ${x.status}` : `${x.method} ${x.status}`);
    }
    return seen;
  }

  operationId(method: string, url: string): string | undefined {
    const template = this.matchPath(url);
    if (!template) return undefined;
    const op = ((this.doc.paths as Json)[template] as Json)[method.toLowerCase()] as Json | undefined;
    return op?.operationId as string | undefined;
  }
}

export function formatFailures(verdicts: Verdict[]): string {
  return verdicts
    .filter((v) => v.errors.length > 0)
    .map((v) => `${v.where}\n  ${v.exchange.method} ${v.exchange.url}\n  ${v.errors.join('\n  ')}\n  body: ${JSON.stringify(v.exchange.body).slice(0, 600)}`)
    .join('\n\n');
}
