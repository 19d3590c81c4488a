// The dashboard of a remote instance: a real `coin run` listening on the master's loopback only,
// reached through a local port forwarded over the profile's SSH connection (which survives a drop).
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { NoInstanceError } from '../../../runner/client/instance-errors';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { SshHost } from '../../../electron/services/host/ssh-host';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { ownListeningSockets, ownSocketInodes } from '../../helpers/listening-ports';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { connectionTo, dropAllConnections, knowSshd, makeVerifier, verifierFiles } from './ssh-fixture';

let sshd: SshdHandle;
let keys: TempDir;
let work: TempDir;
let coin: CoinProcess;
let host: SshHost;

beforeAll(async () => {
  sshd = await startSshd();
  keys = await makeTempDir('tunnel-keys-');
  await knowSshd(sshd, verifierFiles(keys.path));
});
afterAll(async () => {
  await sshd?.stop();
  await keys?.remove();
});
beforeEach(async () => {
  work = await makeTempDir('tunnel-work-');
  coin = await startCoin(work.path);
  host = new SshHost(connectionTo(sshd, makeVerifier(verifierFiles(keys.path))), 'test sshd');
});
afterEach(async () => {
  await host.close();
  await coin.stop();
  await work.remove();
});

test("the task list through a tunnel to the master's 127.0.0.1, before and after a drop", async () => {
  const forward = await host.forwardPort(coin.port);
  expect(forward.localPort).not.toBe(coin.port);
  const client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${forward.localPort}`) });
  expect(await client.tasks()).toMatchObject({ tasks: [] });
  await dropAllConnections(sshd);
  expect(await client.tasks()).toMatchObject({ tasks: [] });
  await forward.close();
  await expect(client.tasks()).rejects.toBeInstanceOf(NoInstanceError);
});

test('a tunnel asked for while the host closes is refused, and none is left listening', async () => {
  const before = ownSocketInodes();
  const pending = host.forwardPort(coin.port);
  const closing = host.close();
  await expect(pending).rejects.toThrow(/closed/);
  await closing;
  await expect(host.forwardPort(coin.port)).rejects.toThrow(/is closed/);
  const after = new Set([...ownSocketInodes()].filter((inode) => !before.has(inode)));
  expect(ownListeningSockets(after)).toEqual([]);
});
