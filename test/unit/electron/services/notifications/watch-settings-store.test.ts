import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  defaultWatchSettings,
  WatchSettingsStore,
} from '../../../../../electron/services/notifications/watch-settings-store';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('watch-');
});
afterEach(async () => {
  await dir.remove();
});

test('nothing saved: nothing pinned, notifications on', async () => {
  expect(await new WatchSettingsStore(dir.path).read()).toEqual(defaultWatchSettings);
});

test('a save is read back, without duplicate profiles, and the listeners hear of it', async () => {
  const store = new WatchSettingsStore(dir.path);
  const heard: unknown[] = [];
  store.onChange((settings) => heard.push(settings));
  const saved = await store.save({
    pinned: { kind: 'local-runner', workingDir: '/srv/coin' },
    watchedProfiles: ['master', 'master', 'laptop'],
    notifications: false,
  });
  expect(saved.watchedProfiles).toEqual(['master', 'laptop']);
  expect(await new WatchSettingsStore(dir.path).read()).toEqual(saved);
  expect(heard).toEqual([saved]);
});

test('a damaged file is reported with its path, never silently replaced', async () => {
  const file = path.join(dir.path, 'watch.json');
  await fs.writeFile(file, '{"pinned": ');
  await expect(new WatchSettingsStore(dir.path).read()).rejects.toThrow(`${file} is not valid JSON`);
  await fs.writeFile(file, '{"pinned": 7}');
  await expect(new WatchSettingsStore(dir.path).read()).rejects.toThrow('is not a watch settings file');
});
