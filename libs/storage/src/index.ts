export * from './fs-object-store';
export * from './object-store.port';
