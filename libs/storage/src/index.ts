export * from './fs-object-store';
export * from './object-store.port';
export * from './s3-object-store';
export * from './json-objects';
export * from './off-thread-hash';
