// Service control over SSH where systemd user services are missing: `coin service` on the "remote"
// host (this machine through a real OpenSSH server on loopback) against a real runner.
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { SshHost } from '../../../electron/services/host/ssh-host';
import { CoinServiceController } from '../../../electron/services/service/coin-service-controller';
import { detectServiceManager } from '../../../electron/services/service/service-controller';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { connectionTo, knowSshd, makeVerifier, verifierFiles } from '../ssh/ssh-fixture';
import { coinBin, killDaemon, pidAlive } from './service-fixture';

let sshd: SshdHandle;
let keys: TempDir;
let work: TempDir;
let host: SshHost;

beforeAll(async () => {
  sshd = await startSshd();
  keys = await makeTempDir('remote-service-keys-');
  await knowSshd(sshd, verifierFiles(keys.path));
});
afterAll(async () => {
  await sshd?.stop();
  await keys?.remove();
});
beforeEach(async () => {
  work = await makeTempDir('remote-service-');
  host = new SshHost(connectionTo(sshd, makeVerifier(verifierFiles(keys.path))), 'test sshd');
});
afterEach(async () => {
  await host.close();
  await killDaemon(work.path);
  await work.remove();
});

test('start, status and stop through coin service over SSH, read back each time', async () => {
  expect(await detectServiceManager(host)).toBe('coin-service');
  const controller = new CoinServiceController(host, {
    coinCommand: ['node', coinBin],
    workingDir: work.path,
    instanceKind: 'private',
    instancePort: 0,
  });
  expect(await controller.status()).toMatchObject({
    manager: 'coin-service',
    state: 'inactive',
    since: null,
  });

  const started = await controller.start();
  expect(started).toMatchObject({ state: 'active', subState: 'running' });
  expect(started.pid).toBeGreaterThan(0);
  expect(started.port).toBeGreaterThan(0);
  expect(pidAlive(started.pid!)).toBe(true);

  // The instance's API, reached through the same SSH connection.
  const forward = await host.forwardPort(started.port!);
  try {
    const client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${forward.localPort}`) });
    expect(await client.tasks()).toMatchObject({ total: 0 });
  } finally {
    await forward.close();
  }

  const again = await controller.start();
  expect(again.pid).toBe(started.pid);

  const stopped = await controller.stop();
  expect(stopped).toMatchObject({ state: 'inactive', subState: 'stopped', pid: null });
  expect(Date.parse(stopped.since!)).toBeGreaterThanOrEqual(Date.parse(started.since!));
  expect(pidAlive(started.pid!)).toBe(false);

  const restarted = await controller.restart();
  expect(restarted.state).toBe('active');
  expect(restarted.pid).not.toBe(started.pid);
  expect((await controller.stop()).state).toBe('inactive');
});
