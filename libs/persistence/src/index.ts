export * from './document-store.port';
export * from './mongo-document-store';
export * from './transactor.port';
export * from './sqlite/sqlite-database';
export * from './sqlite/sqlite-document-store';
export * from './sqlite/nedb-migration';
