// A running instance picks up coin_configuration.json: valid edits apply within 2 s, broken ones
// never do, every version is kept, and the CLI and the save helper work on the live file.
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { readConfigFile, saveConfigFile } from '../../../runner/node/runtime-config/config-file';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { collectEvents, latestVersion, waitFor, type PushedEvent } from './config-helpers';

let root: TempDir;
let work: string;
let file: string;
let coin: CoinProcess;
let pushed: { events: PushedEvent[]; close(): void };

const first = `{
    // How integrations start
    "gerrit_monitor": {
        "parallel_integration_delay": 1800, // half an hour
        "parallel_project_rules": ["qt/qtbase/dev"]
    }
}
`;

function pushedOf(kind: string): PushedEvent[] {
  return pushed.events.filter((e) => e.kind === kind);
}

beforeAll(async () => {
  root = await makeTempDir('config-reload-');
  work = path.join(root.path, 'work');
  file = path.join(work, 'coin_configuration.json');
  await mkdir(work);
  await writeFile(file, first);
  coin = await startCoin(work);
  pushed = await collectEvents(coin.port);
});

afterAll(async () => {
  pushed.close();
  expect(await coin.stop()).toBe(0);
  await root.remove();
});

describe('hot reload', () => {
  test('the file found at start is version 1, with its comments', async () => {
    const v1 = latestVersion(work)!;
    expect(v1).toMatchObject({ version: 1, appliedBy: 'file edit', via: 'instance start', text: first });
    expect(v1.config).toMatchObject({ gerrit_monitor: { parallel_integration_delay: 1800 } });
    await waitFor('the pushed event', () => pushedOf('config.applied').length > 0);
    expect(pushedOf('config.applied').map((e) => e.payload.version)).toEqual([1]);
  });

  test('a valid edit applies within 2 s and is logged and pushed with its diff', async () => {
    const started = Date.now();
    await writeFile(file, first.replace('1800, // half an hour', '600, // ten minutes'));
    const v2 = await waitFor('version 2', () => latestVersion(work)?.version === 2 && latestVersion(work));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(v2.changes).toEqual([
      { path: 'gerrit_monitor.parallel_integration_delay', before: 1800, after: 600 },
    ]);
    expect(v2.diff).toContain('-        "parallel_integration_delay": 1800, // half an hour');
    expect(v2.diff).toContain('+        "parallel_integration_delay": 600, // ten minutes');
    await waitFor('the log line', () => coin.output().includes('runtime configuration version 2 applied'));
    expect(coin.output()).toContain('gerrit_monitor.parallel_integration_delay: 1800 -> 600');
    const event = await waitFor('the pushed event', () =>
      pushedOf('config.applied').find((e) => e.payload.version === 2),
    );
    expect(event.payload).toMatchObject({ appliedBy: 'file edit', via: 'file edit' });
  });

  test('an invalid edit is rejected: the last good version stays, the error is logged and pushed', async () => {
    await writeFile(file, first.replace('parallel_integration_delay', 'parallel_integration_dealy'));
    const event = await waitFor('config.rejected', () => pushedOf('config.rejected')[0]);
    expect(event.payload).toMatchObject({ keptVersion: 2 });
    expect(event.payload.errors).toEqual([
      'coin_configuration.json:4:9: error: unknown key "parallel_integration_dealy" in gerrit_monitor (did you mean "parallel_integration_delay"?)',
    ]);
    // The event is committed before the log line is written: wait for the line too.
    await waitFor('the log line', () =>
      coin.output().includes('runtime configuration rejected (version 2 stays in force)'),
    );
    expect(latestVersion(work)!.version).toBe(2);
  });

  test('a torn write (the writer stopped half-way) is never applied; completing it applies', async () => {
    const full = first.replace('1800, // half an hour', '900, // a quarter');
    const handle = await open(file, 'w');
    await handle.write(full.slice(0, Math.floor(full.length / 2)));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(latestVersion(work)!.version).toBe(2);
    await waitFor('the torn text rejected', () => pushedOf('config.rejected').length >= 2);
    await handle.write(full.slice(Math.floor(full.length / 2)));
    await handle.close();
    const v3 = await waitFor('version 3', () => latestVersion(work)?.version === 3 && latestVersion(work));
    expect(v3.text).toBe(full);
  });

  test('a 10 MB file, 10,000 nesting levels and a __proto__ key are rejected; a deleted file changes nothing', async () => {
    const rejections = pushedOf('config.rejected').length;
    const bad = [
      `{"gerrit_monitor": {}, "x": "${'y'.repeat(10 * 1024 * 1024)}"}`,
      `{"gerrit_monitor": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      '{"__proto__": {"gerrit_monitor": {}}}',
    ];
    for (const [i, text] of bad.entries()) {
      await writeFile(file, text);
      await waitFor(`rejection ${i}`, () => pushedOf('config.rejected').length === rejections + i + 1);
    }
    expect(
      pushedOf('config.rejected')
        .slice(-3)
        .map((e) => (e.payload.errors as string[])[0]),
    ).toEqual([
      'coin_configuration.json:1:1: error: the file is 10.0 MiB: a runtime configuration may have at most 1 MiB',
      'coin_configuration.json:1:83: error: nesting deeper than 64 levels is not accepted',
      'coin_configuration.json:1:2: error: the key "__proto__" is not accepted (it could change how objects behave)',
    ]);
    await rm(file);
    await waitFor('the missing file noticed', () =>
      coin.output().includes('is missing: version 3 stays in force'),
    );
    expect(latestVersion(work)!.version).toBe(3);
    expect(await connectWorkingDir(work).answers()).toBe(true);
  });

  test('coin config rollback through the running instance restores an old text, comments included', async () => {
    const result = await runCoin(['config', 'rollback', '1', '--working-dir', work]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^version 4 applied \(\S+, coin config rollback to 1\)\n/);
    expect(result.stdout).toContain('gerrit_monitor.parallel_integration_delay: 900 -> 1800');
    expect(await readFile(file, 'utf8')).toBe(first);
    const v4 = latestVersion(work)!;
    expect(v4.appliedBy).not.toBe('file edit');
    const history = await runCoin(['config', 'history', '--working-dir', work]);
    expect(history.code).toBe(0);
    expect(
      history.stdout
        .split('\n')
        .slice(2, 6)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['4', '3', '2', '1']);
    expect(history.stdout).toContain('coin config rollback to 1');
  });

  test('saving refuses a file changed on disk since it was loaded and shows the three-way difference', async () => {
    const loaded = await readConfigFile(file);
    if (loaded.kind !== 'text') throw new Error('expected a file');
    await writeFile(file, loaded.text.replace('1800', '1200'));
    await waitFor('version 5', () => latestVersion(work)?.version === 5);
    const mine = loaded.text.replace('1800', '300');
    const refused = await saveConfigFile({
      file,
      text: mine,
      base: loaded.text,
      appliedBy: 'alice',
      via: 'desktop editor',
    });
    expect(refused).toMatchObject({ saved: false, reason: 'changed-on-disk' });
    if (refused.saved || refused.reason !== 'changed-on-disk') return;
    expect(refused.difference.fields).toEqual([
      {
        path: 'gerrit_monitor.parallel_integration_delay',
        base: 1800,
        mine: 300,
        theirs: 1200,
        conflict: true,
      },
    ]);
    expect(refused.difference.theirs).toContain(
      '+        "parallel_integration_delay": 1200, // half an hour',
    );
    const saved = await saveConfigFile({
      file,
      text: mine,
      base: refused.current,
      appliedBy: 'alice',
      via: 'desktop editor',
    });
    expect(saved.saved).toBe(true);
    const v6 = await waitFor('version 6', () => latestVersion(work)?.version === 6 && latestVersion(work));
    expect(v6).toMatchObject({ appliedBy: 'alice', via: 'desktop editor' });
    const invalid = await saveConfigFile({ file, text: '{"gerrit_monitor": 1}', base: mine });
    expect(invalid).toMatchObject({ saved: false, reason: 'invalid' });
  });
});
