export * from './query-service';
export * from './read-model';
export * from './define-query';
