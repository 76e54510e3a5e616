export * from './avro-codec';
export * from './envelope';
export * from './generated/events.generated';
export * from './recording-status';
export * from './topics';
export * from './transcript';
export * from './schema-files';
export * from './object-keys';
