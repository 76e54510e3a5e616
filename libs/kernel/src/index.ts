export * from './app-error';
export * from './resilience';
export * from './html';
export * from './objects';
