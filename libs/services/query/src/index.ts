export * from './query-service';
export * from './read-model';
export * from './define-query';
export * from './search-indexer';
export * from './search-params';
export * from './trackers';
export * from './team-agents';
export * from './scorecards';
