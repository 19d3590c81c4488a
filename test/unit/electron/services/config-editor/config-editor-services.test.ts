import { afterEach, beforeEach, expect, test } from 'vitest';
import { DeskError } from '../../../../../electron/common/desk-api';
import type { ConnectionProfile } from '../../../../../electron/common/instance-schemas';
import { createConfigEditorServices } from '../../../../../electron/services/config-editor/config-editor-services';
import type { InstanceReader } from '../../../../../electron/services/config-editor/instance-api-client';
import { startFakeEventServer, type FakeEventServer } from './fake-event-server';

const profile: ConnectionProfile = {
  id: 'remote',
  name: 'Remote',
  kind: 'ssh',
  host: 'master',
  port: 22,
  user: 'coin',
  auth: { method: 'agent' },
  jump: null,
  coinDir: '/srv/coin-src',
  workingDir: '/srv/coin',
  instanceKind: 'real',
  serviceManager: 'systemd',
  instancePort: 8080,
};
const emptyReader: InstanceReader = {
  tasks: async ({ start }) => ({ total: 0, start, tasks: [] }),
  taskDetail: async () => Promise.reject(new Error('none')),
};

let server: FakeEventServer;
beforeEach(async () => {
  server = await startFakeEventServer([{ seq: 7, kind: 'task.state', payload: {} }]);
});
afterEach(async () => {
  await server.close();
});

/** The Instances services as far as the editor uses them: one profile whose dashboard URL is `url()`. */
function instances(url: () => string | Error) {
  const asked: string[] = [];
  return {
    asked,
    api: {
      profilesList: async () => ({ profiles: [profile] }),
      instanceDashboard: async ({ profileId }: { profileId: string }) => {
        asked.push(profileId);
        const found = url();
        if (found instanceof Error) throw found;
        return { url: found, localPort: 1 };
      },
    },
  };
}

test('an instance that does not run: the context says why, the mark is null, the outcome says not running', async () => {
  const fake = instances(() => new DeskError('failed', 'Remote is not running: start it first'));
  const { api } = createConfigEditorServices({ instances: fake.api, reader: () => emptyReader });
  const context = await api.configContext({ profileId: 'remote', days: 7 });
  expect(context.instance).toEqual({
    running: false,
    url: null,
    problem: 'Remote is not running: start it first',
  });
  expect(await api.configEventSeq({ profileId: 'remote' })).toEqual({
    eventSeq: null,
    problem: 'Remote is not running: start it first',
  });
  expect(
    await api.configOutcome({ profileId: 'remote', sha256: 'a'.repeat(64), since: 0, timeoutMs: 100 }),
  ).toEqual({
    kind: 'not-running',
    message: 'Remote is not running: start it first',
  });
  await expect(api.configContext({ profileId: 'nope', days: 7 })).rejects.toThrow(
    "there is no profile 'nope'",
  );
});

test('a running instance is reached through its dashboard URL, asked for once while it works', async () => {
  const fake = instances(() => server.url);
  const { api } = createConfigEditorServices({ instances: fake.api, reader: () => emptyReader });
  expect((await api.configContext({ profileId: 'remote', days: 1 })).instance).toEqual({
    running: true,
    url: server.url,
    problem: null,
  });
  expect(await api.configEventSeq({ profileId: 'remote' })).toEqual({ eventSeq: 7, problem: null });
  expect(
    await api.configOutcome({ profileId: 'remote', sha256: 'a'.repeat(64), since: 7, timeoutMs: 200 }),
  ).toEqual({
    kind: 'pending',
    since: 7,
  });
  expect(fake.asked).toEqual(['remote']);
});

test('when the remembered URL stops working (a restart on another port), it is asked for again', async () => {
  const old = server.url;
  let current = old;
  const fake = instances(() => current);
  const { api } = createConfigEditorServices({ instances: fake.api, reader: () => emptyReader });
  expect((await api.configEventSeq({ profileId: 'remote' })).eventSeq).toBe(7);
  await server.close();
  server = await startFakeEventServer([{ seq: 9, kind: 'task.state', payload: {} }]);
  current = server.url;
  expect(await api.configEventSeq({ profileId: 'remote' })).toEqual({ eventSeq: 9, problem: null });
  expect(fake.asked).toEqual(['remote', 'remote']);
});
