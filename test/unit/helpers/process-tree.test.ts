import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  commandLine,
  descendantsOf,
  isAlive,
  killTree,
  readProcess,
  waitForDescendant,
} from '../../helpers/process-tree';

// A shell that runs `sleep 30` as its child (the trailing `true` keeps sh from exec'ing sleep).
async function shellWithSleep(prefix = ''): Promise<ChildProcess> {
  const shell = spawn('sh', ['-c', `${prefix}sleep 30; true`]);
  await waitForDescendant(shell.pid ?? -1, 'sleep 30');
  return shell;
}

function exited(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('process tree', () => {
  it('lists children and grandchildren with their command lines', async () => {
    const shell = await shellWithSleep();
    try {
      const [child, grandchild] = descendantsOf(process.pid);
      expect(child?.pid).toBe(shell.pid);
      expect(grandchild?.ppid).toBe(shell.pid);
      expect(commandLine(grandchild?.pid ?? -1)).toBe('sleep 30');
    } finally {
      await killTree(shell.pid ?? -1);
      await exited(shell);
    }
  });

  it('killTree ends the whole tree with SIGTERM', async () => {
    const shell = await shellWithSleep();
    const tree = descendantsOf(process.pid);
    await killTree(shell.pid ?? -1);
    expect(tree.filter(isAlive)).toEqual([]);
    await exited(shell);
    expect(shell.signalCode).toBe('SIGTERM');
  });

  it('killTree falls back to SIGKILL for processes that ignore SIGTERM', async () => {
    const shell = await shellWithSleep('trap "" TERM; ');
    const tree = descendantsOf(process.pid);
    await killTree(shell.pid ?? -1, 200);
    expect(tree.filter(isAlive)).toEqual([]);
    await exited(shell);
    expect(shell.signalCode).toBe('SIGKILL');
  });

  it('does not mistake a finished process for a live one', async () => {
    const child = spawn('true');
    const info = readProcess(child.pid ?? -1);
    await exited(child);
    expect(info === undefined || !isAlive(info)).toBe(true);
    expect(readProcess(-1)).toBeUndefined();
    expect(commandLine(-1)).toBe('');
  });
});
