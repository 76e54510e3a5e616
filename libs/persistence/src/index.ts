export * from './document-store.port';
export * from './mongo-document-store';
export * from './nedb-document-store';
