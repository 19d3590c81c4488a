// The Instances area in real Chromium through the browser host, against a real OpenSSH server on
// loopback and a real runner under `coin service`: add a profile (with ~/.ssh/config suggestions),
// answer the host-key question, start, read the journal, stop a real instance with confirmation.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../electron/services/instances/instance-services';
import { childEnv } from '../../runner/node/child-env';
import { withPage } from '../helpers/chromium';
import { startSshd, type SshdHandle } from '../helpers/sshd';
import { rendererDir } from '../helpers/test-host';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { testKey } from '../unit/electron/services/ssh/test-keys';
import { killDaemon } from '../integration/service/service-fixture';

const coinDir = path.resolve(import.meta.dirname, '..', '..');
let sshd: SshdHandle;
let data: TempDir;
let work: TempDir;
let instances: InstanceServices;
let host: BrowserHost;
let services: DeskServices;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});
beforeEach(async () => {
  data = await makeTempDir('e2e-data-');
  work = await makeTempDir('e2e-work-');
  const sshDir = path.join(data.path, 'ssh');
  fs.mkdirSync(sshDir);
  fs.writeFileSync(
    path.join(sshDir, 'config'),
    `Host coin-loopback\n  HostName ${sshd.host}\n  Port ${sshd.port}\n  User ${sshd.username}\n  IdentityFile ${sshd.clientKeyPath}\n`,
  );
  instances = createInstanceServices({ dataDir: data.path, sshDir });
  services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: work.path,
    instances,
  });
  host = await startBrowserHost({ services, staticDir: rendererDir });
});
afterEach(async () => {
  await host.close();
  await services.close();
  await killDaemon(work.path);
  await work.remove();
  await data.remove();
});

async function addProfileFromSshConfig(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Add profile' }).click();
  const form = page.getByRole('form', { name: 'Connection profile' });
  await form.getByLabel('From ~/.ssh/config').selectOption('coin-loopback');
  expect(await form.getByLabel('Host', { exact: true }).inputValue()).toBe(sshd.host);
  expect(await form.getByLabel('Port', { exact: true }).inputValue()).toBe(String(sshd.port));
  expect(await form.getByLabel('Key file').inputValue()).toBe(sshd.clientKeyPath);
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Coin directory').fill(coinDir);
  await form.getByLabel('Instance working directory').fill(work.path);
  await form.getByLabel('Instance kind').selectOption('real');
  await form.getByLabel('Instance port').fill('0');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('region', { name: `Instance ${name}` }).waitFor();
}

const text = (page: Page, id: string) => async () => (await page.getByTestId(id).textContent()) ?? '';

test('connect over SSH with a host-key check, start, follow the journal, stop with confirmation', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await addProfileFromSshConfig(page, 'Loopback master');

    const question = page.getByRole('dialog', { name: 'Unknown host key' });
    await question.waitFor();
    expect(await question.getByTestId('host-key-fingerprint').textContent()).toBe(sshd.hostKeyFingerprint);
    await question.getByRole('button', { name: 'Trust this key and connect' }).click();
    await expect.poll(text(page, 'connection-state'), { timeout: 30_000 }).toBe('connected');
    await expect.poll(text(page, 'service-state'), { timeout: 30_000 }).toMatch(/^inactive/);
    expect(await page.getByTestId('coin-version').textContent()).toMatch(/^coin \d+\.\d+\.\d+/);

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect
      .poll(text(page, 'action-message'), { timeout: 60_000 })
      .toContain('the service is now active');
    await expect.poll(text(page, 'service-state'), { timeout: 30_000 }).toMatch(/^active \(running\) since/);
    const lines = page.getByTestId('journal-lines');
    await expect
      .poll(async () => (await lines.textContent()) ?? '', { timeout: 30_000 })
      .toContain('Coin is running at');

    await page.getByLabel('Filter text').fill('starting coin run');
    await expect.poll(async () => (await lines.textContent()) ?? '').not.toContain('Coin is running at');
    expect(await lines.textContent()).toContain(`coin service: starting coin run in ${work.path}`);
    await page.getByLabel('Filter text').fill('');
    await page.getByLabel('Problems only').check();
    await expect.poll(async () => (await lines.textContent()) ?? '').not.toContain('Coin is running at');
    await page.getByLabel('Problems only').uncheck();

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Stop the real instance?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('service-state').textContent()).toMatch(/^active/);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await confirm.getByRole('button', { name: 'Stop Loopback master' }).click();
    await expect.poll(text(page, 'service-state'), { timeout: 60_000 }).toMatch(/^inactive \(stopped\)/);
  }));

test('a changed host key is a hard stop with both fingerprints and no way to proceed', ({ task }) =>
  withPage(task.name, async (page) => {
    const old = testKey(9);
    fs.writeFileSync(path.join(data.path, 'ssh', 'known_hosts'), `[${sshd.host}]:${sshd.port} ${old.line}\n`);
    await page.goto(host.url);
    await addProfileFromSshConfig(page, 'Suspicious master');
    const stop = page.getByRole('alertdialog', { name: 'Host key has changed' });
    await stop.waitFor();
    expect(await stop.getByTestId('host-key-presented').textContent()).toBe(sshd.hostKeyFingerprint);
    expect(await stop.getByTestId('host-key-known').textContent()).toMatch(/^SHA256:/);
    expect(await stop.getByTestId('host-key-known').textContent()).not.toBe(sshd.hostKeyFingerprint);
    expect(await stop.getByRole('button').allTextContents()).toEqual(['Close']);
    await stop.getByRole('button', { name: 'Close' }).click();
    await expect.poll(text(page, 'connection-state')).toMatch(/^failed: .*has CHANGED/);
    expect(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled()).toBe(true);
  }));

test('a key file protected by a passphrase: asked in place, a wrong one said so, the right one connects', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const keyFile = path.join(data.path, 'id_locked');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', keyFile], { env: childEnv() });
    fs.appendFileSync(sshd.authorizedKeysPath, fs.readFileSync(`${keyFile}.pub`, 'utf8'));
    fs.writeFileSync(
      path.join(data.path, 'ssh', 'known_hosts'),
      `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`,
    );
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Add profile' }).click();
    const form = page.getByRole('form', { name: 'Connection profile' });
    await form.getByLabel('From ~/.ssh/config').selectOption('coin-loopback');
    await form.getByLabel('Key file').fill(keyFile);
    await form.getByLabel('Name').fill('Locked master');
    await form.getByLabel('Coin directory').fill(coinDir);
    await form.getByLabel('Instance working directory').fill(work.path);
    await form.getByRole('button', { name: 'Save profile' }).click();

    const prompt = page.getByRole('form', { name: 'Key passphrase' });
    await prompt.waitFor();
    expect(await prompt.getByRole('alert').textContent()).toBe(
      `The key file ${keyFile} is protected by a passphrase.`,
    );
    const input = prompt.getByLabel(`Passphrase of ${keyFile}`);
    expect(await input.getAttribute('type')).toBe('password');
    await input.fill('wrong');
    await prompt.getByRole('button', { name: 'Unlock and connect' }).click();
    await expect
      .poll(async () => prompt.getByRole('alert').textContent(), { timeout: 10_000 })
      .toBe(`the passphrase for ${keyFile} is wrong`);
    await input.fill('secret');
    await prompt.getByRole('button', { name: 'Unlock and connect' }).click();
    await expect.poll(text(page, 'connection-state'), { timeout: 30_000 }).toBe('connected');
    await prompt.waitFor({ state: 'detached' });
  }));
