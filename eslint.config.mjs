import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      '.tools/**',
      'test/fixtures/**',
      'examples/**',
      'docs/**',
      'test/e2e/workspace/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The engine runs in the CLI, in tests and in the language server: it must not depend on the editor.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'vscode-*', 'vscode-languageserver*', 'vscode-languageclient*'],
              message: 'shared/ must not depend on VS Code or the LSP libraries.',
            },
            {
              group: ['../../server/*', '../../client/*', '../../cli/*', '../server/*', '../client/*', '../cli/*'],
              message: 'shared/ must not import the server, client or CLI.',
            },
          ],
        },
      ],
    },
  },
  {
    // Mocha suites in the extension host (test-electron style globals).
    files: ['test/e2e/suite/**/*.js'],
    languageOptions: { globals: { suite: 'readonly', suiteSetup: 'readonly', test: 'readonly', exports: 'writable' } },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
