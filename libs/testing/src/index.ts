export * from './event-builders';
export * from './wait';
export * from './embedded';
export * from './pdf-text';
