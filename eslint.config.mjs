import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';
import nx from '@nx/eslint-plugin';

/**
 * Architecture as lint (docs/ARCHITECTURE.md, "Dependency rules"). Every project is tagged
 * (project.json); a project may import only the tags its constraint lists, and Nx refuses any
 * import of an application outright. Domain code has an allow-list of external packages, so a
 * new SDK import in a domain file fails `npm run lint` without anyone having to ban it first.
 */
const sdks = [
  'kafkajs',
  '@kafkajs/*',
  'mongodb',
  '@aws-sdk/*',
  'better-sqlite3',
  '@seald-io/nedb',
  'openai',
  '@azure/*',
  'microsoft-cognitiveservices-speech-sdk',
  'fluent-ffmpeg',
];
const libs = ['type:domain', 'type:adapter', 'type:platform'];
const constraints = [
  // Pure code: schemas, rules, metrics. Only these external packages.
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain'],
    allowedExternalImports: ['zod', 'avsc', 'wink-nlp', 'wink-eng-lite-web-model'],
  },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: sdks },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: libs },
  // A service's logic: ports and domain only; SDKs reach it through adapters.
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: [...libs, 'type:service'], bannedExternalImports: sdks },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: [...libs, 'type:service'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: libs },
  // Entry points: wire a service to the runtime's adapters, nothing else.
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [...libs, 'type:service', 'type:runtime'],
    bannedExternalImports: sdks,
  },
  {
    sourceTag: 'type:composition',
    onlyDependOnLibsWithTags: [...libs, 'type:service', 'type:runtime'],
  },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: [...libs, 'type:service', 'type:runtime', 'type:testing'] },
];
/** Specs may also use the test helpers (type:testing); nothing else changes for them. */
const specConstraints = constraints.map((c) =>
  c.onlyDependOnLibsWithTags.includes('type:testing')
    ? c
    : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] },
);
const boundaries = (depConstraints) => ['error', { allow: [], banTransitiveDependencies: false, depConstraints }];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      '.stack/**',
      '.nx/**',
      'apps/dashboard/public/**',
      'bench/results/**',
      'deploy/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
      '@nx/enforce-module-boundaries': boundaries(constraints),
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    plugins: { jest },
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
      '@nx/enforce-module-boundaries': boundaries(specConstraints),
    },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
