export * from './auth';
export * from './config';
export * from './http';
export * from './lifecycle';
export * from './logger';
export * from './access-control';
export * from './byte-range';
export * from './visibility';
