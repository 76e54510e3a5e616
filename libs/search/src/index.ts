export * from './search-index.port';
export * from './search-text';
export * from './transcript-segments';
export * from './sqlite-search-index';
export * from './document-search-index';
