// Tiers (see README "Tests"): unit specs beside the code, integration specs
// (*.int.spec.ts) against real servers, end-to-end specs (*.e2e.spec.ts) that drive the API.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
    // ES-module-only test dependencies (the subtitle parser of the export specs), compiled to CommonJS.
    '^.+/node_modules/@plussub/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@plussub/)'],
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/data/', '/.stack/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // The dashboard's browser modules are plain ES modules (no build step): their specs are
      // JavaScript too, compiled to CommonJS for Jest like the TypeScript ones.
      // eval/: the insight regression floors, on reference transcripts (no audio).
      testMatch: ['<rootDir>/{apps,libs,scripts,eval}/**/*.spec.ts', '<rootDir>/apps/dashboard/test/**/*.spec.js'],
      transform: {
        ...common.transform,
        '^.+/apps/dashboard/.+\\.js$': [
          '@swc/jest',
          { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
        ],
      },
      testPathIgnorePatterns: [
        ...common.testPathIgnorePatterns,
        '\\.int\\.spec\\.ts$',
        '\\.e2e\\.spec\\.ts$',
        '\\.stack\\.spec\\.ts$',
        '\\.smoke\\.spec\\.ts$',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'],
    },
    {
      // Specs that need the server stack (Kafka, schema registry, MongoDB-wire, S3),
      // started once: testcontainers with a Docker engine, else the native deploy/stack.
      ...common,
      displayName: 'stack',
      testMatch: ['<rootDir>/{apps,libs,scripts,test}/**/*.stack.spec.ts'],
      globalSetup: '<rootDir>/libs/harness/src/stack/global-setup.ts',
      globalTeardown: '<rootDir>/libs/harness/src/stack/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
    },
    {
      // Every command README.md and bench/README.md name, run from a fresh copy of the repo as a
      // new user would (test/smoke/documented-commands.smoke.spec.ts).
      ...common,
      displayName: 'smoke',
      testMatch: ['<rootDir>/test/**/*.smoke.spec.ts'],
    },
  ],
};
