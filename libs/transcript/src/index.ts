export * from './merge-transcript';
export * from './export';
