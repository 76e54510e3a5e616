export * from './distributed-config';
export * from './http-recording-reader';
export * from './run-service';
export * from './model-providers-config';
export * from './pipeline-settings';
export * from './embedded-infrastructure';
export * from './edge-settings';
export * from './public-edge';
