export * from './free-port';
export * from './fixture-calls';
export * from './platform-process';
export * from './root';
export * from './services';
export * from './stack/test-stack';
export * from './oidc/oidc-provider';
