export * from './upload-gateway';
export * from './audio-repository';
export * from './define-upload-gateway';
export * from './upload-intake';
export * from './manage';
export * from './trackers';
export * from './personal-tokens';
