export * from './detect';
export * from './redact';
