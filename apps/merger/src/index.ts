export * from './merge-transcript';
export * from './merger';
export * from './transcript-writer';
