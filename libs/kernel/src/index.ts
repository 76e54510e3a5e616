export * from './app-error';
export * from './resilience';
