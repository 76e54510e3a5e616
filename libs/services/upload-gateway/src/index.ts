export * from './upload-gateway';
export * from './audio-repository';
