export * from './event-bus.port';
export * from './in-process-event-bus';
export * from './partition';
