export * from './event-bus.port';
export * from './kafka-event-bus';
export * from './partition';
export * from './schema-registry-codec';
export * from './delivery';
export * from './sqlite-event-bus';
export * from './jsonl-log-migration';
