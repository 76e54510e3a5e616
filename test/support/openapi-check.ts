import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { essence, HTTP_METHODS, type HttpMethod, type OpenApiDocument, type Schema } from '@speech/api-spec';

/** A response checked against the document: what it was, and what did not match. */
export interface Checked {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
  problems: string[];
}

/**
 * Checks real answers against the OpenAPI document: the status must be one the operation
 * documents, the media type one of that response's content types (`audio/*` matches any audio),
 * and a JSON body must validate against its schema (ajv, JSON Schema 2020-12, the document's
 * own components).
 */
export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Every operation a check has reached, as `GET /all 200`. */
  readonly seen = new Set<string>();

  constructor(private readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');
  }

  /** Validates one body against a schema of the document (refs into its components resolve). */
  validate(schema: Schema, body: unknown): string[] {
    const key = JSON.stringify(schema);
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"openapi#/components/')) as Schema);
      this.compiled.set(key, fn);
    }
    return fn(body)
      ? []
      : (fn.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Reads the response (whole) and checks it against `method path`'s documented responses. */
  async check(method: HttpMethod, path: string, res: globalThis.Response): Promise<Checked> {
    const text = method === 'head' ? '' : await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    const out: Checked = { status: res.status, contentType, body: undefined, text, problems: [] };
    const op = this.doc.paths[path]?.[method];
    if (!op) {
      out.problems.push(`${method.toUpperCase()} ${path} is not in the document`);
      return out;
    }
    this.seen.add(`${method.toUpperCase()} ${path} ${res.status}`);
    const documented = op.responses[String(res.status)];
    if (!documented) {
      out.problems.push(`${res.status} is not documented for ${method.toUpperCase()} ${path}: ${text.slice(0, 300)}`);
      return out;
    }
    const content = documented.content ?? {};
    const types = Object.keys(content);
    if (!types.length) {
      if (text.length) out.problems.push(`${res.status} documents no body, got ${text.length} bytes`);
      return out;
    }
    const type = essence(contentType);
    const match = types.find((t) => t === type || (t.endsWith('/*') && type.startsWith(t.slice(0, -1))));
    if (!match) {
      out.problems.push(`content type ${contentType || '(none)'} is not one of ${types.join(', ')}`);
      return out;
    }
    if (match === 'application/json' && method !== 'head') {
      try {
        out.body = JSON.parse(text);
      } catch {
        out.problems.push(`the body is not JSON: ${text.slice(0, 200)}`);
        return out;
      }
      const schema = content[match]?.schema;
      if (schema) out.problems.push(...this.validate(schema, out.body));
    }
    return out;
  }

  /** The documented operations (method, path) no check has reached with any status. */
  unreached(): string[] {
    const reached = new Set([...this.seen].map((s) => s.split(' ').slice(0, 2).join(' ')));
    return Object.entries(this.doc.paths).flatMap(([path, item]) =>
      HTTP_METHODS.filter((m) => item[m] && !reached.has(`${m.toUpperCase()} ${path}`)).map(
        (m) => `${m.toUpperCase()} ${path}`,
      ),
    );
  }
}
