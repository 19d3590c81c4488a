// Fault test: 200 writers of coin_configuration.json killed at random points while the instance
// watches. Only complete versions may ever be applied, and the instance must keep running.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { allVersions, latestVersion, waitFor } from './config-helpers';

let root: TempDir;
let work: string;
let file: string;
let coin: CoinProcess;

/** Complete version i: valid, with comments, a few kilobytes so that a kill lands mid-write. */
function completeVersion(i: number): string {
  const rules = Array.from(
    { length: 40 },
    (_, n) => `        "qt/module${n}/(dev|6\\\\.${i % 10})", // rule ${n}`,
  );
  return [
    `// version ${i}`,
    '{',
    '    "gerrit_monitor": {',
    `        "parallel_integration_delay": ${i * 10},`,
    `        "serialize_dependency_updates": ${i % 2 === 0},`,
    '        "parallel_project_rules": [',
    ...rules,
    '        ]',
    '    },',
    '    "opennebula": {"sched_rules": [{"SCHED_REQUIREMENTS": "NESTED_VIRT = true", "match": {"target.os": "QNX"}}]}',
    '}',
    '',
  ].join('\n');
}

// Writes the text given as its second argument to the file in small random chunks (truncating first), as an editor
// that writes in place would; the test kills it at a random moment.
const writerScript = `
const fs = require('node:fs');
const [file, text] = [process.argv[1], process.argv[2]];
const fd = fs.openSync(file, 'w');
let at = 0;
const step = () => {
  if (at >= text.length) return fs.closeSync(fd);
  const n = 1 + Math.floor(Math.random() * 200);
  fs.writeSync(fd, text.slice(at, at + n));
  at += n;
  setTimeout(step, Math.random() < 0.2 ? 1 : 0);
};
step();
`;

async function killedWrite(text: string, killAfterMs: number): Promise<void> {
  const child = spawn(process.execPath, ['-e', writerScript, file, text], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  root = await makeTempDir('torn-writes-');
  work = path.join(root.path, 'work');
  file = path.join(work, 'coin_configuration.json');
  await mkdir(work);
  await writeFile(file, completeVersion(0));
  coin = await startCoin(work);
});

afterAll(async () => {
  expect(await coin.stop()).toBe(0);
  await root.remove();
});

describe('torn writes', () => {
  test('200 writers killed at random points: only complete versions are ever applied, the instance lives', async () => {
    // A write killed just before the text's final newline leaves the whole JSON, which is rightly
    // applied: complete versions are told apart without their trailing whitespace.
    const complete = new Map(Array.from({ length: 50 }, (_, i) => [completeVersion(i).trimEnd(), i]));
    const isComplete = (text: string) => complete.has(text.trimEnd());
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      await killedWrite(completeVersion(1 + Math.floor(random() * 49)), 20 + Math.floor(random() * 130));
      // Often leave the file as the kill left it long enough for the watcher to settle on it.
      await new Promise((resolve) => setTimeout(resolve, random() < 0.3 ? 450 : 10));
      if (round % 10 === 0) {
        const applied = latestVersion(work)!.text;
        expect(
          isComplete(applied),
          `applied after round ${round}: …${JSON.stringify(applied.slice(-80))}`,
        ).toBe(true);
      }
    }
    const versions = allVersions(work);
    for (const v of versions)
      expect(isComplete(v.text), `version ${v.version} is a complete text`).toBe(true);
    expect(versions.length).toBeGreaterThan(5);

    const final =
      completeVersion(49) === latestVersion(work)!.text ? completeVersion(48) : completeVersion(49);
    await writeFile(file, final);
    await waitFor('the last complete write applied', () => latestVersion(work)!.text === final, 5000);

    const store = SqliteStore.open(work);
    const rejected = store.eventsSince(0, 10_000).filter((e) => e.kind === 'config.rejected');
    store.close();
    expect(rejected.length).toBeGreaterThan(5);
    expect(await connectWorkingDir(work).agents()).toEqual(expect.any(Array));
    const errors = coin
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level >= 50);
    expect(errors.filter((e) => !e.msg.startsWith('runtime configuration rejected'))).toEqual([]);
  });
});
