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
    files: ['**/*.spec.ts', 'test/**/*.ts'],
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
