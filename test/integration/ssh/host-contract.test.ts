// One contract, two hosts: this computer (LocalHost) and the same machine over a real OpenSSH
// server (SshHost). Both must run, stream, read, write atomically and forward ports alike.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FileChangedError, type Host } from '../../../electron/services/host/host';
import { LocalHost } from '../../../electron/services/host/local-host';
import { SshHost } from '../../../electron/services/host/ssh-host';
import { readProcessTable, commandLine, sleep } from '../../helpers/process-tree';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { connectionTo, knowSshd, makeVerifier, verifierFiles } from './ssh-fixture';

function processesWith(marker: string): number[] {
  return [...readProcessTable().keys()].filter((pid) => commandLine(pid).includes(marker));
}

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function hostContract(name: string, setup: () => Promise<{ host: Host; teardown: () => Promise<void> }>) {
  describe(`${name} satisfies the Host contract`, () => {
    let host: Host;
    let teardown: () => Promise<void>;
    let dir: TempDir;

    beforeEach(async () => {
      ({ host, teardown } = await setup());
      dir = await makeTempDir('host-contract-');
    });
    afterEach(async () => {
      await teardown();
      await dir.remove();
    });

    test('run passes arguments literally and reports output, exit code and input', async () => {
      const printed = await host.run(['printf', '%s|', 'a b', "it's", '$HOME', '*', '']);
      expect(printed).toEqual({ code: 0, signal: null, stdout: "a b|it's|$HOME|*||", stderr: '' });
      const failed = await host.run(['sh', '-c', 'echo oops >&2; exit 3']);
      expect(failed).toMatchObject({ code: 3, stderr: 'oops\n' });
      expect((await host.run(['cat'], { input: 'fed in' })).stdout).toBe('fed in');
    });

    test('stream delivers output as it comes; stop ends the command on the host', async () => {
      const marker = `contract-${randomBytes(4).toString('hex')}`;
      let output = '';
      const stream = await host.stream(
        ['sh', '-c', 'echo one; echo two; while :; do sleep 0.1; done', marker],
        {
          onStdout: (chunk) => (output += chunk.toString()),
        },
      );
      await waitUntil(() => output === 'one\ntwo\n');
      expect(processesWith(marker).length).toBeGreaterThan(0);
      await stream.stop();
      await waitUntil(() => processesWith(marker).length === 0);
    });

    test('a streamed command that ends by itself settles with its exit code', async () => {
      let err = '';
      const stream = await host.stream(['sh', '-c', 'echo bad >&2; exit 4'], {
        onStdout: () => undefined,
        onStderr: (chunk) => (err += chunk.toString()),
      });
      expect(await stream.done).toEqual({ code: 4, signal: null });
      expect(err).toBe('bad\n');
    });

    test('files: absent is null; written atomically with a version; the mode is kept', async () => {
      const file = path.join(dir.path, 'coin_configuration.json');
      expect(await host.readFile(file)).toBeNull();
      const created = await host.writeFileAtomic(file, Buffer.from('{"a":1}\n'), null);
      const read = await host.readFile(file);
      expect(read?.content.toString()).toBe('{"a":1}\n');
      expect(read?.version).toMatchObject({ size: 8, sha256: created.sha256 });
      await fs.chmod(file, 0o640);
      await host.writeFileAtomic(file, Buffer.from('{"a":2}\n'), read!.version);
      expect(await fs.readFile(file, 'utf8')).toBe('{"a":2}\n');
      expect((await fs.stat(file)).mode & 0o777).toBe(0o640);
      expect(await fs.readdir(dir.path)).toEqual(['coin_configuration.json']);
    });

    test('a write is refused when the file changed since it was read, with what is there now', async () => {
      const file = path.join(dir.path, 'config.json');
      await fs.writeFile(file, 'base\n');
      const base = (await host.readFile(file))!;
      await fs.writeFile(file, 'theirs\n');
      const error = await host
        .writeFileAtomic(file, Buffer.from('mine\n'), base.version)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileChangedError);
      expect((error as FileChangedError).current?.content.toString()).toBe('theirs\n');
      expect(await fs.readFile(file, 'utf8')).toBe('theirs\n');
      await expect(host.writeFileAtomic(file, Buffer.from('x'), null)).rejects.toBeInstanceOf(
        FileChangedError,
      );
      expect(await fs.readdir(dir.path)).toEqual(['config.json']);
    });

    test('forwardPort reaches a port on the host loopback', async () => {
      const server = http.createServer((_req, res) => res.end('from the host'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const forward = await host.forwardPort((server.address() as AddressInfo).port);
        try {
          const response = await fetch(`http://127.0.0.1:${forward.localPort}/`);
          expect(await response.text()).toBe('from the host');
        } finally {
          await forward.close();
        }
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
}

hostContract('LocalHost', async () => {
  const host = new LocalHost();
  return { host, teardown: () => host.close() };
});

let sshd: SshdHandle;
let keysDir: TempDir;
beforeAll(async () => {
  sshd = await startSshd();
  keysDir = await makeTempDir('host-contract-keys-');
  await knowSshd(sshd, verifierFiles(keysDir.path));
});
afterAll(async () => {
  await sshd?.stop();
  await keysDir?.remove();
});

hostContract('SshHost', async () => {
  const host = new SshHost(connectionTo(sshd, makeVerifier(verifierFiles(keysDir.path))), 'test sshd');
  return { host, teardown: () => host.close() };
});
