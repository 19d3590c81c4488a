// coin_configuration.json over SFTP: versioned reads, atomic saves, refused when the file changed
// since it was loaded, and a save killed half-way leaves the old file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { SshHost } from '../../../electron/services/host/ssh-host';
import {
  readConfigFile,
  runtimeConfigPath,
  writeConfigFile,
} from '../../../electron/services/instances/instance-config';
import { sleep } from '../../helpers/process-tree';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { connectionTo, dropAllConnections, knowSshd, makeVerifier, verifierFiles } from './ssh-fixture';

let sshd: SshdHandle;
let dir: TempDir;
let host: SshHost;
let file: string;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});
beforeEach(async () => {
  dir = await makeTempDir('remote-config-');
  fs.mkdirSync(path.join(dir.path, 'ci'));
  file = runtimeConfigPath(path.join(dir.path, 'ci'));
  await knowSshd(sshd, verifierFiles(dir.path));
  host = new SshHost(connectionTo(sshd, makeVerifier(verifierFiles(dir.path))), 'test sshd');
});
afterEach(async () => {
  await host.close();
  await dir.remove();
});

test('load, save, and a refused save when someone else saved in between, with both versions', async () => {
  const absent = await readConfigFile(host, file);
  expect(absent).toEqual({ path: file, content: '', version: null });
  const created = await writeConfigFile(host, file, '{"gerrit_monitor": {}}\n', null);
  expect(created.ok).toBe(true);

  const mine = await readConfigFile(host, file);
  const theirs = await readConfigFile(host, file);
  expect(mine.version?.sha256).toBe(created.ok && created.version.sha256);
  const saved = await writeConfigFile(host, file, '{"gerrit_monitor": {"x": 1}}\n', theirs.version);
  expect(saved.ok).toBe(true);

  const refused = await writeConfigFile(host, file, '{"mine": true}\n', mine.version);
  expect(refused).toMatchObject({
    ok: false,
    current: { path: file, content: '{"gerrit_monitor": {"x": 1}}\n' },
  });
  expect(refused.ok === false && refused.message).toContain('was changed on test sshd since you loaded it');
  expect(fs.readFileSync(file, 'utf8')).toBe('{"gerrit_monitor": {"x": 1}}\n');
});

test('a save killed half-way leaves the old file; the next save cleans up and succeeds', async () => {
  fs.writeFileSync(file, '{"old": true}\n');
  const base = await readConfigFile(host, file);
  const huge = `{"padding": "${'x'.repeat(64 * 1024 * 1024)}"}\n`;
  const saving = writeConfigFile(host, file, huge, base.version);
  saving.catch(() => undefined);
  const temps = () => fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'));
  const deadline = Date.now() + 30_000;
  while (!temps().some((t) => fs.statSync(path.join(path.dirname(file), t)).size > 1024 * 1024)) {
    if (Date.now() > deadline) throw new Error('the write never got going');
    await sleep(5);
  }
  await dropAllConnections(sshd);
  await expect(saving).rejects.toThrow();
  expect(fs.readFileSync(file, 'utf8')).toBe('{"old": true}\n');
  expect(temps()).toHaveLength(1);

  const next = await writeConfigFile(host, file, '{"new": true}\n', base.version);
  expect(next.ok).toBe(true);
  expect(fs.readFileSync(file, 'utf8')).toBe('{"new": true}\n');
  expect(temps()).toEqual([]);
});
