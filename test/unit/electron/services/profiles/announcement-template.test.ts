// The restart announcement's template is a profile setting: saved with the profile, kept when the
// profile form saves without it, cleared with null, and read back by a new store.
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ProfileInput } from '../../../../../electron/common/instance-schemas';
import { ProfileStore, profilesFile } from '../../../../../electron/services/profiles/profile-store';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let store: ProfileStore;
beforeEach(async () => {
  dir = await makeTempDir('announcement-');
  store = new ProfileStore(profilesFile(dir.path));
});
afterEach(async () => dir.remove());

const master: ProfileInput = {
  name: 'Master',
  kind: 'local',
  coinDir: '/srv/coin',
  workingDir: '/srv/work',
  instanceKind: 'real',
  serviceManager: 'coin-service',
  instancePort: 8080,
};
const template = '#qtci: {instance} restarts at {time} ({downtime}) for {revision}';

test('kept across saves that do not name it, alongside the tracker URL, cleared with null', async () => {
  const saved = await store.save({
    ...master,
    announcementTemplate: template,
    trackerUrl: 'https://t.example',
  });
  expect(saved.announcementTemplate).toBe(template);
  const edited = await store.save({ ...master, id: saved.id, instancePort: 9090 });
  expect(edited).toMatchObject({
    instancePort: 9090,
    announcementTemplate: template,
    trackerUrl: 'https://t.example',
  });
  expect((await new ProfileStore(profilesFile(dir.path)).get(saved.id)).announcementTemplate).toBe(template);
  const cleared = await store.save({ ...master, id: saved.id, announcementTemplate: null });
  expect(cleared).not.toHaveProperty('announcementTemplate');
  expect(cleared.trackerUrl).toBe('https://t.example');
});
