// The agent's command runner on real processes: output lines, exit codes, limits that kill the tree.
import { describe, expect, test } from 'vitest';
import { runCommand, type RunCommandOptions } from '../../../runner/agent/run-command';
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
