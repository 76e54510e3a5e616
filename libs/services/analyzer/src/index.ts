export * from './analyzer';
export * from './define-analyzer';
