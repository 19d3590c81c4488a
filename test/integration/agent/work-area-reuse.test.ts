// An agent's work areas one after another (runWorkItem on one work root, real commands and files):
// the second work item starts from the first one's work area put aside, and sees exactly its own
// sources and nothing else: not what the first one's commands wrote into the sources, the build
// directory or the working directory, nor a source file the second revision no longer has. A
// source file both revisions share is not copied again; one that changed is.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { RunMessage } from '../../../runner/core/agent-protocol';
import type { PlannedInstruction } from '../../../runner/core/planned-instruction';
import { runWorkItem } from '../../../runner/agent/work-item-runner';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('work-area-reuse-');
});
afterEach(async () => {
  await dir.remove();
});

const command = (text: string): PlannedInstruction => ({
  type: 'ExecuteCommand',
  at: null,
  fields: { command: text, maxTimeInSeconds: 60, maxTimeBetweenOutput: 60 },
  executeOn: 'success',
  userMessageOnFailure: 'failed',
});

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(dir.path, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

async function run(id: string, sourceTree: string, instructions: PlannedInstruction[]) {
  const lines: string[] = [];
  const message: RunMessage = {
    type: 'run',
    workItemId: id,
    instructions,
    env: {},
    dirs: {
      agentWorkingDir: '.',
      sourceDir: 'qt/qtbase',
      buildDir: 'qt/qtbase/build',
      installDir: 'install',
      installRoot: 'install-root',
    },
    inputs: [],
    // the tree is copied where it lies (an agent on the instance's machine): no request is made
    sourceUrl: '/agent/source/never-fetched',
    sourceTree,
    cores: null,
  };
  const result = await runWorkItem({
    message,
    master: { baseUrl: 'http://127.0.0.1:9/coin', token: 't' },
    workRoot: path.join(dir.path, 'agent'),
    log: (line) => lines.push(line),
    signal: new AbortController().signal,
    ended: () => undefined,
  });
  return { result, lines };
}

const list = async (root: string): Promise<string[]> => {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true }))
    out.push(path.relative(root, path.join(entry.parentPath, entry.name)));
  return out.sort();
};

test('the next work item starts from the last work area, holding its own sources and nothing else', async () => {
  const first = await tree('rev1', {
    'main.c': 'int main(void) { return 0; }\n',
    'old.txt': 'gone in rev2\n',
    'lib/a.c': 'a\n',
  });
  const second = await tree('rev2', {
    'main.c': 'int main(void) { return 0; }\n',
    'lib/a.c': 'a changed\n',
    'new.txt': 'new\n',
  });

  const one = await run('item-1', first, [
    command(
      'sh -c "echo built > out.o && mkdir -p build && echo x > build/obj && echo w > ../../leftover && echo tampered >> lib/a.c"',
    ),
  ]);
  expect(one.result.passed, one.lines.join('\n')).toBe(true);
  const spare = path.join(dir.path, 'agent', 'spare');
  expect((await stat(spare)).isDirectory()).toBe(true);
  const mainBefore = await stat(path.join(spare, 'qt/qtbase/main.c'));

  // what the second work item sees of its work area, and what is left of it after
  const expected = [
    'qt',
    'qt/qtbase',
    'qt/qtbase/lib',
    'qt/qtbase/lib/a.c',
    'qt/qtbase/main.c',
    'qt/qtbase/new.txt',
  ];
  const seen = path.join(dir.path, 'seen.txt');
  const two = await run('item-2', second, [
    command(`sh -c "cd ../.. && find . -mindepth 1 | sort > ${seen}"`),
  ]);
  expect(two.result.passed, two.lines.join('\n')).toBe(true);
  expect(two.lines.some((l) => l.includes('the last work area, brought up to date'))).toBe(true);
  const found = (await readFile(seen, 'utf8'))
    .trim()
    .split('\n')
    .map((p) => p.replace(/^\.\//, ''));
  expect(found).toEqual(expected);
  expect(await list(spare)).toEqual(expected);
  expect(await readFile(path.join(spare, 'qt/qtbase/lib/a.c'), 'utf8')).toBe('a changed\n');
  // the unchanged file is the same file as before: not deleted and copied again
  expect((await stat(path.join(spare, 'qt/qtbase/main.c'))).ino).toBe(mainBefore.ino);
});

test('a file of the sources a command changed in place is copied again, even at the same size', async () => {
  const sources = await tree('rev', { 'config.h': '#define A 1\n' });
  // same size, new content: its modification time tells it apart
  const one = await run('item-1', sources, [command('sh -c "printf \'#define A 2\\n\' > config.h"')]);
  expect(one.result.passed, one.lines.join('\n')).toBe(true);
  const two = await run('item-2', sources, [command('sh -c "grep -q \'A 1\' config.h"')]);
  expect(two.result.passed, two.lines.join('\n')).toBe(true);
});
