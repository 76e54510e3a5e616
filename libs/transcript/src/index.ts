export * from './merge-transcript';
export * from './export';
export * from './corrections';
