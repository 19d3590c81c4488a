import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.resolve(import.meta.dirname, '..');
// Every test file checks, after each test, that it left no child process, listening port or
// temporary directory behind (test/helpers/leak-check.ts).
const setupFiles = [path.join(root, 'test/helpers/leak-check-setup.ts')];

export default defineConfig({
  root,
  test: {
    reporters: process.env.COIN_TEST_JSON
      ? ['default', ['json', { outputFile: process.env.COIN_TEST_JSON }]]
      : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          root,
          include: ['test/unit/**/*.test.ts'],
          setupFiles,
        },
      },
      {
        test: {
          name: 'integration',
          root,
          include: ['test/integration/**/*.test.ts'],
          setupFiles,
          globalSetup: [path.join(root, 'test/integration/global-setup.ts')],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root,
          include: ['test/e2e/**/*.test.ts'],
          setupFiles,
          globalSetup: [path.join(root, 'test/e2e/global-setup.ts')],
          testTimeout: 90_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
