// Source files stay under 400 lines, so each can be read in one sitting: list every file of
// runner/, electron/, renderer/, test/ and build/ that git knows (tracked, or new and not ignored)
// and fail naming each file over the limit with its length.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const maxLines = 400;
const sourcePattern = /\.(ts|tsx|mjs|js|css)$/;
const skipped = [/(^|\/)node_modules\//, /^build\/out\//, /^build\/tsc\//];

/**
 * Files allowed over the limit for now, each with the reason; empty when every file fits.
 * A file named here that fits again makes the test fail, so the list cannot go stale.
 */
const allowed = new Map<string, string>();

function sourceFiles(): string[] {
  const listed = execFileSync(
    'git',
    [
      'ls-files',
      '--cached',
      '--others',
      '--exclude-standard',
      '--',
      'runner',
      'electron',
      'renderer',
      'test',
      'build',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return listed
    .split('\n')
    .filter((f) => sourcePattern.test(f) && !skipped.some((s) => s.test(f)))
    .filter((f) => existsSync(path.join(root, f)));
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** `file: N lines` for each file over the limit that the allow-list does not name. */
function oversized(lengths: Map<string, number>, allow: Map<string, string>): string[] {
  return [...lengths]
    .filter(([file, lines]) => lines > maxLines && !allow.has(file))
    .map(([file, lines]) => `${file}: ${lines} lines (limit ${maxLines})`)
    .sort();
}

test(`no source file is over ${maxLines} lines`, () => {
  const files = sourceFiles();
  expect(files, 'git lists the sources').toContain('test/unit/build/file-sizes.test.ts');
  expect(files.some((f) => f.startsWith('build/out/'))).toBe(false);
  const lengths = new Map(
    files.map((f) => [f, lineCount(readFileSync(path.join(root, f), 'utf8'))] as const),
  );
  expect(oversized(lengths, allowed)).toEqual([]);
  const fitAgain = [...allowed.keys()].filter((f) => (lengths.get(f) ?? 0) <= maxLines);
  expect(fitAgain, 'allow-listed files that fit now: take them off the list').toEqual([]);
});

test('an oversized file is named with its length unless the allow-list names it', () => {
  const lengths = new Map([
    ['renderer/src/styles.css', 860],
    ['test/integration/coin-plan.test.ts', 512],
    ['runner/core/plan.ts', 400],
  ]);
  const allow = new Map([['test/integration/coin-plan.test.ts', 'being split by another engineer']]);
  expect(oversized(lengths, allow)).toEqual(['renderer/src/styles.css: 860 lines (limit 400)']);
  expect(lineCount('a\nb\n')).toBe(2);
  expect(lineCount('a\nb')).toBe(2);
});
