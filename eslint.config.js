// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Packages whose values src/ takes from one module of its own, each of which says why (load time);
 * their types may be imported directly.
 */
const LOADED_PACKAGES = [
  {
    name: 'apache-arrow',
    allowTypeImports: true,
    message: "Take Arrow's values from src/datasets/arrow/apache-arrow.ts: one copy of Arrow per process.",
  },
  {
    name: 'onnxruntime-node',
    allowTypeImports: true,
    message: 'Take onnxruntime from src/runtime/onnxruntime.ts, which loads it as CommonJS.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'bundled/**',
      'node_modules/**',
      'assay-data/**',
      'coverage/**',
      '.scratch/**',
      '.bench-build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: LOADED_PACKAGES }] },
  },
  {
    // Services and stores never reach into HTTP: the dependency direction of DESIGN.md.
    files: ['src/**/*.ts'],
    ignores: ['src/server/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: LOADED_PACKAGES,
          patterns: [
            { group: ['**/server/**', 'fastify', '@fastify/*'], message: 'Only src/server speaks HTTP.' },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
