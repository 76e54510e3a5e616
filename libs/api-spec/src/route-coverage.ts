import type { Express } from 'express';
import { HTTP_METHODS, type HttpMethod, type OpenApiDocument } from './openapi-types';

/** One route: an HTTP method and a path template in OpenAPI's form (`/audios/{audioId}`). */
export interface RouteKey {
  method: HttpMethod;
  path: string;
}

const DOCUMENT_SOURCE = 'libs/api-spec/src/openapi-document.ts';
const SCHEMAS_SOURCE = 'libs/api-spec/src/schemas.ts';

/** `/audios/:audioId` → `/audios/{audioId}`. Other Express path syntax is kept as is (and will not match). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
}

/**
 * The routes an Express app registers (app.get, app.post …). Middleware mounted with app.use
 * (static files, the gateway's proxy) has no route: it is not an API operation.
 */
export function registeredRoutes(app: Express): RouteKey[] {
  const stack = (app.router as unknown as { stack: RouteLayer[] }).stack;
  const out: RouteKey[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && (HTTP_METHODS as readonly string[]).includes(method))
          out.push({ method: method as HttpMethod, path: openApiPath(String(path)) });
      }
    }
  }
  return unique(out);
}

/** Every operation the document names. */
export function documentedRoutes(doc: OpenApiDocument): RouteKey[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((method) => ({ method, path })),
  );
}

/**
 * What differs between the routes a mode serves and the document, each as a sentence that says
 * what to add or remove, and where. Express answers HEAD for every GET route, so a documented
 * HEAD needs a served GET and a served GET needs no documented HEAD.
 */
export function routeCoverageProblems(served: RouteKey[], doc: OpenApiDocument, mode: string): string[] {
  const key = (r: RouteKey) => `${r.method.toUpperCase()} ${r.path}`;
  const servedKeys = new Set(served.map(key));
  const documented = documentedRoutes(doc);
  const documentedKeys = new Set(documented.map(key));
  const problems: string[] = [];
  for (const r of served) {
    if (documentedKeys.has(key(r))) continue;
    problems.push(
      `${key(r)} is served (${mode}) but not in the OpenAPI document. Add it to ${DOCUMENT_SOURCE}: ` +
        `paths['${r.path}'].${r.method} = { tags, operationId, summary, parameters, ` +
        `${['post', 'put', 'patch'].includes(r.method) ? 'requestBody, ' : ''}responses: { '2xx': jsonBody(…), ` +
        `'4xx': error('…', 'CODE.IT_SENDS') … } }, with any new body as a zod schema in ${SCHEMAS_SOURCE} ` +
        `(COMPONENT_SCHEMAS), then run test/openapi.e2e.spec.ts against it.`,
    );
  }
  for (const r of documented) {
    const servedAs = r.method === 'head' ? { ...r, method: 'get' as const } : r;
    if (servedKeys.has(key(servedAs))) continue;
    problems.push(
      `${key(r)} is in the OpenAPI document but not served (${mode}). Mount the route, or remove ` +
        `paths['${r.path}'].${r.method} from ${DOCUMENT_SOURCE}.`,
    );
  }
  return problems;
}

function unique(routes: RouteKey[]): RouteKey[] {
  const seen = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return [...seen.values()];
}
