// `coin run`, `coin service` and `coin doctor` on a working directory that cannot be used, and
// signals during start-up: real CLI processes, timed. The tests run as root, whom permission bits
// do not stop, so the unusable directories are ones the kernel refuses: a path under /proc, a
// file in place of a directory, and /sys (a directory that takes no new files).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkoutCoin, runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

// The CLI's own start-up (tsx compiling on a loaded 2-core machine) is most of this; the bug
// it guards against never ended at all.
const exitBoundMs = 15_000;

let root: TempDir;
let fileInTheWay: string;

beforeAll(async () => {
  root = await makeTempDir('start-up-');
  fileInTheWay = path.join(root.path, 'plain-file');
  await writeFile(fileInTheWay, 'not a directory\n');
});

afterAll(async () => {
  await root.remove();
});

// Functions: the file in the way exists only once beforeAll ran.
const unusable = [
  {
    name: '/proc/nope/coin',
    dir: () => '/proc/nope/coin',
    reason: () => 'cannot be created: /proc does not allow new files or directories (ENOENT)',
  },
  {
    name: 'a file in place of a directory',
    dir: () => path.join(fileInTheWay, 'coin'),
    reason: () => `cannot be used: ${fileInTheWay} is not a directory`,
  },
  {
    name: '/sys',
    dir: () => '/sys',
    reason: () => 'is not writable: /sys does not allow this user to create files there (EACCES)',
  },
];

async function timedCoin(args: string[]) {
  const started = Date.now();
  const result = await runCoin(args, { timeoutMs: exitBoundMs * 2 });
  return { ...result, ms: Date.now() - started };
}

describe('an unusable working directory', () => {
  test.each(unusable)('coin run on $name exits at once with one line saying why', async (entry) => {
    const [dir, reason] = [entry.dir(), entry.reason()];
    const result = await timedCoin(['run', '--working-dir', dir, '--port', '0', '--log-format', 'json']);
    expect(result.ms).toBeLessThan(exitBoundMs);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`coin: working directory ${dir} ${reason}; choose another --working-dir\n`);
    expect(result.stdout).not.toContain('Coin is running');
  });

  test.each(unusable)('coin service start on $name fails at once and status says why', async (entry) => {
    const [dir, reason] = [entry.dir(), entry.reason()];
    const start = await timedCoin(['service', 'start', '--working-dir', dir, '--timeout', '30']);
    expect(start.ms).toBeLessThan(exitBoundMs);
    expect(start.code).toBe(1);
    expect(start.stderr).toMatch(new RegExp(`^coin: working directory ${escape(dir)} ${escape(reason)}`));
    expect(start.stderr.trim().split('\n')).toHaveLength(1);
    const status = await timedCoin(['service', 'status', '--working-dir', dir, '--json']);
    expect(status.code).toBe(1);
    if (dir === '/sys') return; // it exists and is a directory: nothing for the status to add
    if (dir.startsWith(fileInTheWay)) {
      expect(status.stderr).toBe(
        `coin: working directory ${dir} is not a directory (a file is in its path)\n`,
      );
      return;
    }
    expect(JSON.parse(status.stdout).detail).toMatch(
      /; working directory \/proc\/nope\/coin does not exist$/,
    );
  });

  test.each(unusable)(
    'coin doctor on $name fails the working directory row with the reason',
    async (entry) => {
      const [dir, reason] = [entry.dir(), entry.reason()];
      const result = await timedCoin(['doctor', '--working-dir', dir, '--min-free-gb', '0', '--json']);
      expect(result.ms).toBeLessThan(exitBoundMs);
      expect(result.code).toBe(1);
      const row = JSON.parse(result.stdout).checks.find((c: { id: string }) => c.id === 'working-dir');
      expect(row).toMatchObject({ status: 'fail' });
      expect(row.detail).toContain(`working directory ${dir} ${reason}`);
    },
  );

  test('coin maintenance on /proc/nope/coin fails at once', async () => {
    const result = await timedCoin(['maintenance', '--working-dir', '/proc/nope/coin', '--port', '0']);
    expect(result.ms).toBeLessThan(exitBoundMs);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^coin: working directory \/proc\/nope\/coin cannot be created/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `coin run` as a process, its output collected, for a test to signal. */
function startCoinRun(workingDir: string, extra: string[]) {
  const { command, env } = checkoutCoin();
  const args = [
    ...command.slice(1),
    'run',
    '--working-dir',
    workingDir,
    '--port',
    '0',
    '--log-format',
    'json',
  ];
  const child = spawn(command[0]!, [...args, ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** SIGTERM now; resolves to the exit code and how long the exit took. */
async function terminate(run: ReturnType<typeof startCoinRun>) {
  const sent = Date.now();
  run.child.kill('SIGTERM');
  const code = await run.exited;
  return { code, afterSignalMs: Date.now() - sent, output: run.output() };
}

describe('a signal during start-up', () => {
  test('SIGTERM while the store is opened ends coin run promptly, lock released', async () => {
    const work = path.join(root.path, 'local');
    const run = startCoinRun(work, []);
    await until(() => run.output().includes('"msg":"recovered state"'), 'the store to be opened');
    const result = await terminate(run);
    expect(result.code, result.output).toBe(0);
    expect(result.afterSignalMs).toBeLessThan(5000);
    expect(result.output).toMatch(/"msg":"(stopped during start-up|stopping)"/);
    expect(existsSync(path.join(work, 'coin.lock'))).toBe(false);
  });

  test('SIGTERM while OpenNebula does not answer ends coin run at once, lock released', async () => {
    // An endpoint that accepts connections and never answers: the start-up waits on it.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const authFile = path.join(root.path, 'one_auth');
      await writeFile(authFile, 'oneadmin:secret\n');
      const work = path.join(root.path, 'opennebula');
      const run = startCoinRun(work, [
        ...['--hypervisor', 'opennebula', '--one-xmlrpc', `http://127.0.0.1:${port}/RPC2`],
        ...['--one-auth-file', authFile, '--own-ip', '127.0.0.1'],
      ]);
      await until(() => sockets.size > 0, 'coin run to call OpenNebula');
      const result = await terminate(run);
      expect(result.code, result.output).toBe(0);
      expect(result.afterSignalMs).toBeLessThan(2000);
      expect(result.output).toContain('"msg":"stopped during start-up"');
      expect(result.output).not.toContain('Coin is running');
      expect(existsSync(path.join(work, 'coin.lock'))).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
