// The tracker URL is a profile setting: saved with the profile, kept when the profile form saves
// without it, cleared with null, and refused in one line when it is not an http(s) URL.
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ProfileInput } from '../../../../../electron/common/instance-schemas';
import { ProfileStore, profilesFile } from '../../../../../electron/services/profiles/profile-store';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let store: ProfileStore;
beforeEach(async () => {
  dir = await makeTempDir('tracker-url-');
  store = new ProfileStore(profilesFile(dir.path));
});
afterEach(async () => dir.remove());

const laptop: ProfileInput = {
  name: 'Laptop',
  kind: 'local',
  coinDir: '',
  workingDir: '/tmp/w',
  instanceKind: 'local',
  serviceManager: 'coin-service',
  instancePort: 0,
};

test('kept across saves that do not name it, cleared with null, read back by a new store', async () => {
  const saved = await store.save({ ...laptop, trackerUrl: 'https://bugreports.qt.io/projects/COIN' });
  expect(saved.trackerUrl).toBe('https://bugreports.qt.io/projects/COIN');
  const edited = await store.save({ ...laptop, id: saved.id, instancePort: 8080 }); // the profile form
  expect(edited).toMatchObject({ instancePort: 8080, trackerUrl: 'https://bugreports.qt.io/projects/COIN' });
  expect((await new ProfileStore(profilesFile(dir.path)).get(saved.id)).trackerUrl).toBe(
    'https://bugreports.qt.io/projects/COIN',
  );
  const cleared = await store.save({ ...laptop, id: saved.id, trackerUrl: null });
  expect(cleared).not.toHaveProperty('trackerUrl');
  expect(await store.save({ ...laptop, id: saved.id })).not.toHaveProperty('trackerUrl');
});

test('a tracker URL that is not http(s) is refused, saying what it must be', async () => {
  await expect(store.save({ ...laptop, trackerUrl: 'javascript:alert(1)' })).rejects.toThrow(
    'the tracker URL must start with http:// or https://',
  );
});
