export * from './event-builders';
export * from './wait';
