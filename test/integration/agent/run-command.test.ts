// The agent's command runner on real processes: output lines (through pipes, or a spool file),
// exit codes, limits that kill the tree.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCommand, type RunCommandOptions } from '../../../runner/agent/run-command';
import { spoolReadBytes } from '../../../runner/agent/spool-file';
import { childEnv } from '../../../runner/node/child-env';
import { makeTempDir } from '../../helpers/temp-dir';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function run(script: string, extra: Partial<RunCommandOptions> = {}) {
  const dir = await makeTempDir('run-command-');
  const lines: string[] = [];
  try {
    const outcome = await runCommand({
      argv: ['sh', '-c', script],
      cwd: dir.path,
      env: childEnv(),
      onLine: (line, stream) => lines.push(`${stream}: ${line}`),
      ...extra,
    });
    return { outcome, lines };
  } finally {
    await dir.remove();
  }
}

describe('runCommand', () => {
  test('streams stdout and stderr line by line and reports the exit code', async () => {
    const { outcome, lines } = await run('echo one; echo two >&2; printf "no newline"; exit 3');
    expect(outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(lines).toContain('stdout: one');
    expect(lines).toContain('stderr: two');
    expect(lines).toContain('stdout: no newline');
  });

  test('maxTimeBetweenOutput kills a silent command and its children', async () => {
    const started = Date.now();
    const { outcome, lines } = await run('echo start; sleep 30 & sleep 30; echo never', {
      maxTimeBetweenOutput: 1,
    });
    expect(outcome).toEqual({ kind: 'timeout', limit: 'maxTimeBetweenOutput', seconds: 1 });
    expect(lines).toEqual(['stdout: start']);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The after-each leak check fails this test if either sleep survived.
  });

  test('output keeps a command alive under maxTimeBetweenOutput; maxTimeInSeconds still ends it', async () => {
    const { outcome, lines } = await run('while true; do echo tick; sleep 0.2; done', {
      maxTimeBetweenOutput: 1,
      maxTimeInSeconds: 2,
    });
    expect(outcome).toEqual({ kind: 'timeout', limit: 'maxTimeInSeconds', seconds: 2 });
    expect(lines.length).toBeGreaterThan(5);
  });

  test('a background process left behind by a finished command is killed', async () => {
    // The orphan is re-parented away from us, so the leak check could not see it: look it up by pid.
    const { outcome, lines } = await run('sleep 30 & echo "pid $!"');
    expect(outcome).toEqual({ kind: 'exited', exitCode: 0 });
    const pid = Number(/pid (\d+)/.exec(lines.join('\n'))?.[1]);
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => isAlive(pid), { timeout: 2000 }).toBe(false);
  });

  test('abort kills the tree; a missing program is a spawn failure', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect((await run('sleep 30', { signal: controller.signal })).outcome).toEqual({ kind: 'aborted' });
    const dir = await makeTempDir('run-command-');
    const missing = await runCommand({
      argv: ['/nonexistent/tool'],
      cwd: dir.path,
      env: childEnv(),
      onLine: () => undefined,
    });
    await dir.remove();
    expect(missing.kind).toBe('spawn-failed');
  });
});

/** Runs a script with its output through a spool file; returns the bytes passed on, in order. */
async function runSpooled(script: string, extra: Partial<RunCommandOptions> = {}) {
  const dir = await makeTempDir('run-command-spool-');
  const spoolDir = path.join(dir.path, 'spool');
  const chunks: Buffer[] = [];
  const streams = new Set<string>();
  try {
    const outcome = await runCommand({
      argv: ['sh', '-c', script],
      cwd: dir.path,
      env: childEnv(),
      onLine: () => {
        throw new Error('onLine is not used when onOutput is given');
      },
      onOutput: (bytes, stream) => {
        streams.add(stream);
        chunks.push(Buffer.from(bytes));
      },
      spoolDir,
      ...extra,
    });
    const left = existsSync(spoolDir) ? readdirSync(spoolDir) : [];
    return { outcome, output: Buffer.concat(chunks), chunks, streams, left };
  } finally {
    await dir.remove();
  }
}

describe('runCommand with a spool file (the log fast path)', () => {
  test('stdout and stderr arrive in the order written, byte for byte; the file is removed', async () => {
    const { outcome, output, streams, left } = await runSpooled(
      'echo out1; echo err1 >&2; printf "out2\\r\\n"; echo err2 >&2; printf "no newline"; exit 4',
    );
    expect(outcome).toEqual({ kind: 'exited', exitCode: 4 });
    expect(output.toString('utf8')).toBe('out1\nerr1\nout2\r\nerr2\nno newline\n');
    expect([...streams]).toEqual(['stdout']);
    expect(left).toEqual([]);
  });

  test('40 MB of output passes on identical to the command writing it into a file', async () => {
    const dir = await makeTempDir('run-command-spool-direct-');
    try {
      const script = 'seq 1 2500000; seq 1 2500000 >&2; head -c 5000000 /dev/zero | tr "\\0" x | fold -w 99';
      const direct = path.join(dir.path, 'direct.out');
      const wrote = spawnSync('sh', ['-c', `(${script}) > ${direct} 2>&1`]);
      expect(wrote.status).toBe(0);
      const expected = Buffer.concat([readFileSync(direct), Buffer.from('\n')]);
      const { outcome, output, chunks } = await runSpooled(script);
      expect(outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(output.length).toBe(expected.length);
      expect(output.equals(expected)).toBe(true);
      // Read in large pieces, never more than one frame's worth at once.
      expect(chunks.length).toBeLessThan(expected.length / 4096);
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(spoolReadBytes);
    } finally {
      await dir.remove();
    }
  });

  test('maxTimeBetweenOutput still sees silence and output', async () => {
    const silent = await runSpooled('echo start; sleep 30 & sleep 30; echo never', {
      maxTimeBetweenOutput: 1,
    });
    expect(silent.outcome).toEqual({ kind: 'timeout', limit: 'maxTimeBetweenOutput', seconds: 1 });
    expect(silent.output.toString()).toBe('start\n');
    const ticking = await runSpooled('while true; do echo tick; sleep 0.2; done', {
      maxTimeBetweenOutput: 1,
      maxTimeInSeconds: 2,
    });
    expect(ticking.outcome).toEqual({ kind: 'timeout', limit: 'maxTimeInSeconds', seconds: 2 });
    expect(ticking.output.toString().split('\n').length).toBeGreaterThan(5);
    expect(ticking.left).toEqual([]);
  });

  test('a background writer is killed with the command; abort and spawn failure leave no file', async () => {
    const background = await runSpooled('(while true; do echo bg; sleep 0.05; done) & echo "pid $!"');
    expect(background.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    const pid = Number(/pid (\d+)/.exec(background.output.toString())?.[1]);
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => isAlive(pid), { timeout: 2000 }).toBe(false);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const aborted = await runSpooled('echo before; sleep 30', { signal: controller.signal });
    expect(aborted.outcome).toEqual({ kind: 'aborted' });
    expect(aborted.output.toString()).toBe('before\n');
    expect(aborted.left).toEqual([]);

    const missing = await runSpooled('', { argv: ['/nonexistent/tool'] });
    expect(missing.outcome.kind).toBe('spawn-failed');
    expect(missing.left).toEqual([]);
  });
});
