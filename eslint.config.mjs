import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';
import nx from '@nx/eslint-plugin';

/**
 * Architecture as lint (STYLE.md): domain libraries cannot import infrastructure SDKs,
 * adapters cannot import apps, apps cannot import each other (except the composition root).
 */
const infrastructure = ['kafkajs', '@kafkajs/*', 'mongodb', '@aws-sdk/*', 'express', '@seald-io/nedb'];

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
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // The services are apps, and only the composition root (apps/standalone, tag
          // type:composition) may import them: depConstraints below keep everyone else out.
          allow: [
            '@speech/upload-gateway',
            '@speech/chunker',
            '@speech/stt-worker',
            '@speech/merger',
            '@speech/analyzer',
            '@speech/query',
          ],
          banTransitiveDependencies: false,
          depConstraints: [
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: infrastructure,
            },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:platform'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:platform'] },
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:platform'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:domain',
                'type:adapter',
                'type:platform',
                'type:runtime',
                'type:testing',
              ],
              bannedExternalImports: ['kafkajs', '@kafkajs/*', 'mongodb', '@aws-sdk/*', '@seald-io/nedb'],
            },
            { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
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
    files: ['**/*.spec.ts', 'test/**/*.ts', 'apps/dashboard/test/**/*.js'],
    plugins: { jest },
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
      '@nx/enforce-module-boundaries': 'off',
    },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
