// ESLint flat config for the whole repository (run as `eslint --config build/eslint.config.js`,
// wired into `npm run lint`). Layering lives in ./lint/layers.js.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { layerRule } from './lint/layer-rule.js';
import { rawIpcAllowed } from './lint/layers.js';

const coinPlugin = { rules: { layers: layerRule } };

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'build/out/**',
      'build/tsc/**',
      'dist/**',
      'test/artifacts/**',
      'renderer/dist/**',
      '.fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { coin: coinPlugin },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'coin/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (STYLE.md habit 7).' },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: rawIpcAllowed,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Register channels through electron/main/ipc-registrar.ts and the DeskApi contract.',
            },
          ],
        },
      ],
    },
  },
  {
    // Config files of tools expect a default export.
    files: ['**/vite.config.*', 'build/**/*.{js,mjs,cjs}', 'test/vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
