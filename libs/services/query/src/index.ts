export * from './query-service';
export * from './read-model';
