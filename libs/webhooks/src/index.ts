export * from './address-guard';
export * from './backoff';
export * from './http-sender';
export * from './model';
export * from './routes';
export * from './signature';
export * from './webhooks';
