// Vitest setup file (test/vitest.config.ts): every test, and every test file as a whole (for
// what beforeAll starts and afterAll should stop), must leave no child process, listening port
// or temp dir behind. Hooks run in 'stack' order, so these checks run after the file's own hooks.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { assertNoLeaks, takeLeakSnapshot, type LeakSnapshot } from './leak-check';
import { removeTempRootIfEmpty } from './temp-dir';

let beforeFile: LeakSnapshot | undefined;
let beforeTest: LeakSnapshot | undefined;

beforeAll(() => {
  beforeFile = takeLeakSnapshot();
});

beforeEach(() => {
  beforeTest = takeLeakSnapshot();
});

afterEach(async () => {
  if (beforeTest) await assertNoLeaks(beforeTest);
});

// What a file's afterAll stopped (an instance, its agents, a server) may still be on its way out
// on a loaded machine; a real leak is still there after this long.
const fileGraceMs = 10_000;

afterAll(async () => {
  try {
    if (beforeFile) await assertNoLeaks(beforeFile, { graceMs: fileGraceMs });
  } finally {
    removeTempRootIfEmpty();
  }
});
