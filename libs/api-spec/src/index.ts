export * from './api-docs';
export * from './openapi-document';
export * from './schemas';
export * from './openapi-types';
export * from './route-coverage';
export * from './auth-schemas';
