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
/** Packages only specs use: a domain spec may check its output with them (the export specs' subtitle parser). */
const specOnlyPackages = ['@plussub/srt-vtt-parser'];
/** Specs may also use the test helpers (type:testing) and the spec-only packages; nothing else changes for them. */
const specConstraints = constraints.map((c) => {
  const withTesting = c.onlyDependOnLibsWithTags.includes('type:testing')
    ? c
    : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] };
  return c.allowedExternalImports
    ? { ...withTesting, allowedExternalImports: [...c.allowedExternalImports, ...specOnlyPackages] }
    : withTesting;
});
const boundaries = (depConstraints) => ['error', { allow: [], banTransitiveDependencies: false, depConstraints }];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      '.stack/**',
      '.nx/**',
      'bench/results/**',
      'deploy/**',
      '**/*.js',
      '**/*.mjs',
      '!apps/dashboard/**/*.js',
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
    // The dashboard: browser ES modules without a build step, type-checked by tsc (checkJs,
    // apps/dashboard/tsconfig.json), so the typed rules apply to them as to TypeScript.
    files: ['apps/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-undef': 'off', // tsc knows the DOM's globals and reports unknown names
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-implied-eval': 'error',
      'no-console': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['apps/dashboard/public/**/*.js'],
    rules: {
      // What would break the page under its Content-Security-Policy, or put server text into HTML.
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Build elements with h() from dom.js.' },
        { property: 'outerHTML', message: 'Build elements with h() from dom.js.' },
        { property: 'insertAdjacentHTML', message: 'Build elements with h() from dom.js.' },
        { object: 'document', property: 'write', message: 'Build elements with h() from dom.js.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(style$|on)/]",
          message: 'Inline styles and handlers break under the CSP: use element.style or addEventListener.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'localStorage', message: 'The token lives in sessionStorage (session.js), never localStorage.' },
        // The specs' type-check gives every module Jest's globals; the browser has none.
        ...['describe', 'it', 'test', 'expect', 'jest', 'beforeEach', 'afterEach'].map((name) => ({
          name,
          message: 'A Jest global in a browser module.',
        })),
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.contract.ts', 'test/**/*.ts', 'apps/dashboard/test/**/*.js'],
    plugins: { jest, '@nx': nx },
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
      '@nx/enforce-module-boundaries': boundaries(specConstraints),
    },
  },
  {
    // A contract suite is a function every adapter's spec calls: it exports by design.
    files: ['**/*.contract.ts'],
    rules: { 'jest/no-export': 'off' },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
