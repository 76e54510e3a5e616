export * from './service-definition';
// The platform as a service's code meets it, from one place: ports' helpers, errors, JSON objects.
export { AppError, afterFailure, describeError } from '@speech/kernel';
export type { MessageContext } from '@speech/messaging';
export { backoffMs, DEFAULT_RETRY } from '@speech/messaging';
export { setWithDefaults } from '@speech/persistence';
export type { Collection, Filter } from '@speech/persistence';
export type { Logger } from '@speech/platform';
export { getJson, putJson } from '@speech/storage';
export * from './deletion';
