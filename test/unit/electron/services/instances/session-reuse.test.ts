// A profile's session (its connection, tunnels and journal) outlives a save that changes only the
// report settings (tracker URL, restart announcement) and takes the new values over; a save that
// changes how the profile connects replaces it. Concurrent callers after a change share one new session.
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ProfileInput } from '../../../../../electron/common/instance-schemas';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../../../electron/services/instances/instance-services';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let services: InstanceServices;
beforeEach(async () => {
  dir = await makeTempDir('session-reuse-');
  services = createInstanceServices({ dataDir: dir.path, sshDir: dir.path });
});
afterEach(async () => {
  await services.closeAll();
  await dir.remove();
});

const local: ProfileInput = {
  name: 'Here',
  kind: 'local',
  coinDir: '/srv/coin',
  workingDir: '/srv/work',
  instanceKind: 'private',
  serviceManager: 'coin-service',
  instancePort: 8080,
};

test('report settings change the open session in place; a connection change replaces it once', async () => {
  const saved = await services.api.profilesSave({ profile: local });
  const first = await services.session(saved.id);
  await services.api.profilesSave({
    profile: {
      ...local,
      id: saved.id,
      announcementTemplate: '{instance} restarts at {time}',
      trackerUrl: 'https://t.example',
    },
  });
  const same = await services.session(saved.id);
  expect(same).toBe(first);
  expect(same.profile).toMatchObject({
    announcementTemplate: '{instance} restarts at {time}',
    trackerUrl: 'https://t.example',
  });

  await services.api.profilesSave({ profile: { ...local, id: saved.id, workingDir: '/srv/other' } });
  const [a, b] = await Promise.all([services.session(saved.id), services.session(saved.id)]);
  expect(a).not.toBe(first);
  expect(b).toBe(a);
  expect(a.profile.workingDir).toBe('/srv/other');
});

test('after closeAll no session opens again, and a closed session opens no tunnel', async () => {
  const saved = await services.api.profilesSave({ profile: local });
  const session = await services.session(saved.id);
  await services.closeAll();
  await expect(services.session(saved.id)).rejects.toThrow(/closing/);
  await expect(session.localPortFor(8080)).rejects.toThrow(/is closed/);
  await expect(session.journal()).rejects.toThrow(/is closed/);
});
