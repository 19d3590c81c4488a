// The Instances area's DeskApi methods end to end in Node: a profile for a real OpenSSH server on
// loopback, the host-key question, a real runner under `coin service`, journal, config, dashboard.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { parseDeskInput } from '../../../electron/common/desk-api';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../electron/services/instances/instance-services';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { sleep } from '../../helpers/process-tree';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { killDaemon } from '../service/service-fixture';
import { sshdProfile } from './ssh-fixture';

let sshd: SshdHandle;
let data: TempDir;
let work: TempDir;
let services: InstanceServices;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});
beforeEach(async () => {
  data = await makeTempDir('desk-data-');
  work = await makeTempDir('desk-work-');
  fs.mkdirSync(path.join(data.path, 'ssh'));
  services = createInstanceServices({ dataDir: data.path, sshDir: path.join(data.path, 'ssh') });
});
afterEach(async () => {
  await services.closeAll();
  await killDaemon(work.path);
  await work.remove();
  await data.remove();
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

test('add a profile, trust the host key once, start the service, read the journal, open the dashboard, stop', async () => {
  const api = services.api;
  const { id: _id, ...input } = sshdProfile(sshd, {
    workingDir: work.path,
    instanceKind: 'real',
    serviceManager: 'auto',
  });
  const profile = await api.profilesSave({ profile: input });
  expect(profile.id).toBe('test-sshd');
  expect((await api.profilesList({})).profiles).toEqual([profile]);

  const unknown = await api.instanceStatus({ profileId: profile.id });
  expect(unknown.connection).toMatchObject({
    state: 'failed',
    hostKey: { kind: 'unknown', fingerprint: sshd.hostKeyFingerprint },
  });
  expect(unknown.service).toBeNull();
  await expect(api.sshTrustHostKey({ profileId: profile.id, fingerprint: 'SHA256:other' })).rejects.toThrow(
    /only the unknown key the server has just presented/,
  );
  await api.sshTrustHostKey({ profileId: profile.id, fingerprint: sshd.hostKeyFingerprint });

  const stopped = await api.instanceStatus({ profileId: profile.id });
  expect(stopped.connection.state).toBe('connected');
  expect(stopped.service).toMatchObject({ manager: 'coin-service', state: 'inactive' });
  expect(stopped.version).toMatch(/^coin \d+\.\d+\.\d+/);
  expect(stopped.disk?.freeBytes).toBeGreaterThan(0);
  expect(stopped.problems).toEqual([]);

  const started = await api.serviceStart({ profileId: profile.id });
  expect(started).toMatchObject({ state: 'active', manager: 'coin-service' });
  const running = await api.instanceStatus({ profileId: profile.id });
  expect(running.activity).toEqual({ agents: {}, tasks: [] });

  const journal = await until(
    () => api.journalRead({ profileId: profile.id, after: 0, limit: 100 }),
    (page) => page.entries.some((e) => e.message.startsWith('Coin is running')),
  );
  expect(journal.source).toBe(`coin service logs -f ${path.join(work.path, 'service', 'coin.log')}`);
  expect(journal.follower.state).toBe('following');
  expect(journal.entries.map((e) => e.message)).toContain(`coin service: starting coin run in ${work.path}`);
  const later = await api.journalRead({ profileId: profile.id, after: journal.next, limit: 100 });
  expect(later.entries.every((e) => e.seq > journal.next)).toBe(true);

  const dashboard = await api.instanceDashboard({ profileId: profile.id });
  expect(await new InstanceClient({ root: dashboard.url }).tasks()).toMatchObject({ start: 0 });

  await expect(api.serviceStop({ profileId: profile.id })).rejects.toThrow(
    /is the real instance: to stop it, confirm first/,
  );
  const after = await api.serviceStop({ profileId: profile.id, confirmed: true });
  expect(after.state).toBe('inactive');
});

test('runtime configuration over SFTP: read, save, conflict', async () => {
  const api = services.api;
  const { id: _id, ...input } = sshdProfile(sshd, { workingDir: work.path });
  fs.writeFileSync(
    path.join(data.path, 'ssh', 'known_hosts'),
    `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`,
  );
  const profile = await api.profilesSave({ profile: input });
  const empty = await api.configRead({ profileId: profile.id });
  expect(empty).toEqual({
    path: path.join(work.path, 'coin_configuration.json'),
    content: '',
    version: null,
  });
  const saved = await api.configWrite({ profileId: profile.id, content: '{}\n', baseVersion: null });
  expect(saved.ok).toBe(true);
  const conflict = await api.configWrite({ profileId: profile.id, content: '{"x":1}\n', baseVersion: null });
  expect(conflict).toMatchObject({ ok: false, current: { content: '{}\n' } });
});

test('suggestions from ~/.ssh/config and input checks at the edge', async () => {
  fs.writeFileSync(
    path.join(data.path, 'ssh', 'config'),
    'Host coin\n  HostName coin.example.org\n  User vmbuilder\n',
  );
  const suggestions = await services.api.sshHostsFromConfig({});
  expect(suggestions.hosts).toMatchObject([
    { alias: 'coin', hostName: 'coin.example.org', user: 'vmbuilder' },
  ]);
  expect(() => parseDeskInput('serviceStop', { profileId: 5 })).toThrow(
    'service:stop: profileId: Invalid input: expected string, received number',
  );
  expect(() => parseDeskInput('sshTrustHostKey', { profileId: 'x', fingerprint: 'MD5:aa' })).toThrow(
    /ssh:trust-host-key: fingerprint/,
  );
  await expect(services.api.instanceStatus({ profileId: 'nope' })).rejects.toThrow(
    "no connection profile 'nope'",
  );
});
