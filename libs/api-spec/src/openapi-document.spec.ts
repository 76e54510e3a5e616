import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { API_VERSION, openApiDocument } from './openapi-document';
import { HTTP_METHODS } from './openapi-types';

const ROOT = join(__dirname, '../../..');

/**
 * The validator (@seriousme/openapi-schema-validator, the OpenAPI Initiative's JSON schemas) is an
 * ES module that reads its schemas through import.meta: it runs in a node of its own, on stdin.
 */
function validateOpenApi(doc: unknown): { valid: boolean; version?: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const validator = new Validator({ strict: true });
    const res = await validator.validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ ...res, version: validator.version }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  return JSON.parse(out) as { valid: boolean; version?: string; errors?: unknown };
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument();

  it('is valid OpenAPI 3.1', () => {
    const res = validateOpenApi(doc);
    expect(res.errors).toBeUndefined();
    expect(res).toMatchObject({ valid: true, version: '3.1' });
  });

  it('is refused by the validator when it is broken (the check can fail)', () => {
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, unknown>> };
    broken.paths['/all'] = { get: { responses: { '200': { content: {} } } } }; // a response without description
    expect(validateOpenApi(broken).valid).toBe(false);
  });

  it('carries the platform’s version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(API_VERSION).toBe(pkg.version);
  });

  it('has every component schema compile as JSON Schema 2020-12, and every $ref resolve', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => ajv.compile({ $ref: `openapi#/components/schemas/${name}` })).not.toThrow();
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    for (const name of refs) expect(Object.keys(doc.components.schemas)).toContain(name);
  });

  it('names every operation once', () => {
    const ids = Object.values(doc.paths).flatMap((item) =>
      HTTP_METHODS.flatMap((m) => (item[m] ? [item[m].operationId] : [])),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
