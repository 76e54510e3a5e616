export * from './merge-transcript';
