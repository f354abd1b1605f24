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
    // The renderer runs in a sandboxed page: no Node, no Electron. From the engine it
    // may import the model's types, the IPC contract, and the pure, DOM-free view
    // modules (view/**, export/describe, export/svg); nothing that reads files.
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(electron(/.*)?|node:.*|fs|path|child_process|os|http|https|net|crypto)$', message: 'The renderer has no Node or Electron access.' },
          {
            regex: '^(\\.\\./)+electron/(topology/(?!(model|view/[a-z-]+|compare/[a-z-]+|answers/[a-z-]+|export/describe|export/svg)$)|main/|preload/|cli/)',
            message: 'The renderer imports only the model types, the IPC contract and the pure view, compare and answers modules (view/**, compare/**, answers/**, export/describe, export/svg).',
          },
        ],
      }],
    },
  },
  {
    // The pure view modules are shared with the renderer: they may not reach for Node either.
    files: ['electron/topology/view/**/*.ts', 'electron/topology/compare/**/*.ts', 'electron/topology/export/svg.ts', 'electron/ipc.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(electron(/.*)?|node:.*|fs|path|child_process)$', message: 'View modules and the IPC contract are shared with the sandboxed renderer: no Node, no Electron.' },
          { group: ['**/renderer/**', '**/main/**', '**/preload/**'], message: 'The engine must not import app layers.' },
          { group: ['cytoscape', 'cytoscape-*'], message: 'View modules are drawing-library-free (the renderer adapts them to Cytoscape).' },
          { group: ['**/sources/**', '**/load', '**/annotate/**', '**/export/write-file'], message: 'View modules do no I/O.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    // The answers (matrix, advise, check) are shared with the renderer's panels: no Node,
    // no I/O. They may use the engine's pure tables (drivers, parse/cpulist).
    files: ['electron/topology/answers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(electron(/.*)?|node:.*|fs|path|child_process)$', message: 'Answers are shared with the sandboxed renderer: no Node, no Electron.' },
          { group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/cli/**'], message: 'The engine must not import app layers.' },
          { group: ['**/sources/**', '**/load', '**/annotate/**', '**/export/write-file'], message: 'Answers do no I/O and derive nothing: they read the Snapshot they are given.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
);
