export * from './stt-worker';
