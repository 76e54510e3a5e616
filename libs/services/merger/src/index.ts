export * from './merger';
export * from './transcript-writer';
