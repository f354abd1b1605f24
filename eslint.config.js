// Lint with the layering rules from DESIGN.md: the engine imports no electron,
// renderer or DOM; the renderer imports only types from the engine.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-output/**', 'bench/out/**', 'fixtures/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['electron/topology/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'The engine must not import electron.' },
          { group: ['**/renderer/**', '**/main/**', '**/preload/**'], message: 'The engine must not import app layers.' },
          { group: ['cytoscape', 'cytoscape-*'], message: 'The engine must not import the view.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*', 'node:*', 'fs', 'path', 'child_process'], message: 'The renderer has no Node or Electron access.' },
          { group: ['**/electron/topology/**', '!**/electron/topology/model', '**/electron/main/**', '**/electron/cli/**'], message: 'The renderer imports only types from the engine (model.ts) and the IPC contract.', allowTypeImports: false },
        ],
      }],
    },
  },
);
