export * from './merger';
export * from './transcript-writer';
export * from './define-merger';
