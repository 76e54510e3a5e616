/** The parts of OpenAPI 3.1 this document uses (https://spec.openapis.org/oas/v3.1.1). */

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect). */
export type Schema = { [keyword: string]: unknown };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Header {
  description?: string;
  schema: Schema;
}
export interface MediaType {
  schema: Schema;
}
export interface Response {
  description: string;
  headers?: Record<string, Header>;
  content?: Record<string, MediaType>;
}
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema: Schema;
}
export type SecurityRequirement = Record<string, string[]>;
export interface Operation {
  tags: string[];
  operationId: string;
  summary: string;
  description?: string;
  security?: SecurityRequirement[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, MediaType> };
  responses: Record<string, Response>;
}
export type PathItem = Partial<Record<HttpMethod, Operation>>;
export type SecurityScheme =
  | { type: 'http'; scheme: string; bearerFormat?: string; description?: string }
  | { type: 'apiKey'; in: 'query' | 'header' | 'cookie'; name: string; description?: string };

export interface OpenApiDocument {
  openapi: `3.1.${number}`;
  info: {
    title: string;
    version: string;
    summary?: string;
    description?: string;
    license?: { name: string; identifier?: string };
  };
  servers: { url: string; description?: string }[];
  tags: { name: string; description?: string }[];
  security: SecurityRequirement[];
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, SecurityScheme> };
}
