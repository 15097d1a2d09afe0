// Layering of docs/ARCHITECTURE.md §2, enforced here rather than remembered: a wrong import fails lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'events',
  'url',
  'util',
  'zlib',
  'readline',
  'perf_hooks',
];

/** Builds a no-restricted-imports rule from forbidden relative folders and packages. */
function restrict({ folders = [], packages = [], why }) {
  return [
    'error',
    {
      patterns: [
        ...folders.map((folder) => ({
          group: [`**/${folder}`, `**/${folder}/**`],
          message: `${why} (docs/ARCHITECTURE.md §2)`,
        })),
        ...(packages.length
          ? [{ group: packages, message: `${why} (docs/ARCHITECTURE.md §2)` }]
          : []),
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test/fixtures/**', 'assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-exports': [
        'error',
        {
          restrictDefaultExports: {
            direct: true,
            named: true,
            defaultFrom: true,
            namedFrom: true,
            namespaceFrom: true,
          },
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        folders: ['main', 'renderer', 'test', 'host', 'engine', 'sim', 'cli', 'electron'],
        packages: ['electron', ...nodeBuiltins],
        why: 'shared/ imports nothing of ours and no Node or DOM module',
      }),
    },
  },
  {
    files: ['main/engine/**/*.ts', 'main/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        folders: ['host', 'renderer', 'electron', 'cli'],
        packages: ['electron'],
        why: 'engine/ and sim/ never import electron, host or renderer',
      }),
    },
  },
  {
    files: ['main/host/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        folders: ['renderer', 'electron', 'cli'],
        packages: ['electron'],
        why: 'host/ never imports electron: it runs in plain Node too',
      }),
    },
  },
  {
    files: ['main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        folders: ['renderer', 'electron'],
        packages: ['electron'],
        why: 'the CLI runs in plain Node: no electron, no renderer',
      }),
    },
  },
  {
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict({
        folders: ['main', 'test', 'host', 'engine', 'sim', 'cli', 'electron'],
        packages: ['electron', ...nodeBuiltins],
        why: 'renderer/ imports only shared/ and its own files',
      }),
    },
  },
  {
    files: ['**/*.config.ts', '**/*.config.mjs', 'scripts/**/*.mjs'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
