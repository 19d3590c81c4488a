import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks, checkLeaks, findLeaks, takeLeakSnapshot } from '../../helpers/leak-check';
import { isAlive, waitForDescendant } from '../../helpers/process-tree';
import { makeTempDir } from '../../helpers/temp-dir';

// The leak cases use a short grace period: nothing in them is going to close on its own.
const quick = { graceMs: 100 };

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

function listen(host = '127.0.0.1'): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

describe('leak check', () => {
  it('finds nothing, quickly, when a test leaves nothing behind', async () => {
    const started = performance.now();
    const before = takeLeakSnapshot();
    const message = await checkLeaks(before);
    expect(message).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500); // no grace wait when nothing leaked
  });

  it('reports a leaked child process by pid and command line, then kills it', async () => {
    const before = takeLeakSnapshot();
    const child = spawn('sleep', ['30']);
    await waitForDescendant(process.pid, 'sleep 30');
    const message = await checkLeaks(before, quick);
    expect(message).toContain(`child process ${child.pid}: sleep 30`);
    expect(await exited(child)).toBe('SIGKILL');
  });

  it('reports grandchildren too', async () => {
    const before = takeLeakSnapshot();
    const shell = spawn('sh', ['-c', 'sleep 31; true']);
    const grandchild = await waitForDescendant(shell.pid ?? -1, 'sleep 31');
    expect(findLeaks(before).processes.map((p) => p.command)).toEqual(['sh -c sleep 31; true', 'sleep 31']);
    const message = await checkLeaks(before, quick);
    expect(message).toContain(`child process ${shell.pid}: sh -c sleep 31; true`);
    expect(message).toContain(`child process ${grandchild.pid}: sleep 31`);
    expect(isAlive(grandchild)).toBe(false);
    expect(await exited(shell)).toBe('SIGKILL');
  });

  it('reports a leaked listening server by port, then closes it', async () => {
    const before = takeLeakSnapshot();
    const server = await listen();
    const port = portOf(server);
    const message = await checkLeaks(before, quick);
    expect(message).toContain(`listening TCP port ${port} on 127.0.0.1`);
    expect(server.listening).toBe(false);
  });

  it('reports a leaked IPv6 listening server', async (context) => {
    const before = takeLeakSnapshot();
    const server = await listen('::1').catch(() => undefined);
    if (!server) return context.skip('no IPv6 loopback here');
    const port = portOf(server);
    const message = await checkLeaks(before, quick);
    expect(message).toContain(`listening TCP port ${port} on [0:0:0:0:0:0:0:1]`);
    expect(server.listening).toBe(false);
  });

  it('reports a leaked temp dir by path, then deletes it', async () => {
    const before = takeLeakSnapshot();
    const dir = await makeTempDir('leaky-');
    const message = await checkLeaks(before, quick);
    expect(message).toContain(`temporary directory ${dir.path}`);
    expect(fs.existsSync(dir.path)).toBe(false);
  });

  it('waits for a process that is about to exit instead of reporting it', async () => {
    const before = takeLeakSnapshot();
    const child = spawn('sleep', ['0.3']);
    expect(await checkLeaks(before)).toBeUndefined();
    expect(await exited(child)).toBe(0);
  });

  it('waits for a server that is closing and a temp dir being removed', async () => {
    const before = takeLeakSnapshot();
    const server = await listen();
    const dir = await makeTempDir('closing-');
    setTimeout(() => {
      server.close();
      void dir.remove();
    }, 200);
    expect(await checkLeaks(before)).toBeUndefined();
  });

  it('leaves alone what existed before the snapshot', async () => {
    const child = spawn('sleep', ['30']);
    const server = await listen();
    await waitForDescendant(process.pid, 'sleep 30');
    const before = takeLeakSnapshot();
    expect(await checkLeaks(before, quick)).toBeUndefined();
    child.kill();
    server.close();
    await exited(child);
  });

  it('throws the description from assertNoLeaks', async () => {
    const before = takeLeakSnapshot();
    const dir = await makeTempDir('asserted-');
    await expect(assertNoLeaks(before, quick)).rejects.toThrow(`temporary directory ${dir.path}`);
  });
});
