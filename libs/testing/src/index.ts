export * from './event-builders';
export * from './wait';
export * from './embedded';
