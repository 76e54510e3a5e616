export * from './transcript-export';
