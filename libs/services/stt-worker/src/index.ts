export * from './stt-worker';
export * from './define-stt-worker';
