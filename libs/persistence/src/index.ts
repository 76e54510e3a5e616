export * from './document-store.port';
export * from './nedb-document-store';
