// The process table as /proc shows it: who descends from whom, and how to end a subtree.
// Used by the leak check and by helpers that must stop a server together with its children.
import fs from 'node:fs';

/** One live process; startTime (clock ticks since boot) tells a reused pid from the original. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly startTime: string;
}

/** Reads /proc/<pid>/stat; undefined when the process is gone or already a zombie. */
export function readProcess(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name sits in parentheses and may itself contain spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return { pid, ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

/** Every live process, keyed by pid. */
export function readProcessTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const info = readProcess(pid);
    if (info) table.set(pid, info);
  }
  return table;
}

/** Live descendants (children, grandchildren, ...) of rootPid, parents before children. */
export function descendantsOf(rootPid: number, table = readProcessTable()): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  const queue = [rootPid];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    for (const info of table.values()) {
      if (info.ppid !== parent) continue;
      result.push(info);
      queue.push(info.pid);
    }
  }
  return result;
}

/** The command line of a process, arguments joined by spaces ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** True while this exact process (same pid and start time) is alive and not a zombie. */
export function isAlive(info: ProcessInfo): boolean {
  return readProcess(info.pid)?.startTime === info.startTime;
}

/** Sends a signal to each process, ignoring those that are already gone. */
export function signalAll(processes: readonly ProcessInfo[], signal: NodeJS.Signals): void {
  for (const info of processes) {
    if (!isAlive(info)) continue;
    try {
      process.kill(info.pid, signal);
    } catch {
      // Exited between the check and the signal.
    }
  }
}

/** Polls until none of the processes is alive or timeoutMs passes; returns those still alive. */
export async function waitUntilGone(
  processes: readonly ProcessInfo[],
  timeoutMs: number,
): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = processes.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(20);
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Ends a process and all its descendants: SIGTERM, then SIGKILL for whatever outlives graceMs. */
export async function killTree(rootPid: number, graceMs = 2000): Promise<void> {
  const root = readProcess(rootPid);
  const tree = [...(root ? [root] : []), ...descendantsOf(rootPid)];
  signalAll(tree, 'SIGTERM');
  const survivors = await waitUntilGone(tree, graceMs);
  signalAll(survivors, 'SIGKILL');
  await waitUntilGone(survivors, graceMs);
}

/** Waits until a descendant of rootPid runs exactly `command` (after exec, not just forked). */
export async function waitForDescendant(
  rootPid: number,
  command: string,
  timeoutMs = 5000,
): Promise<ProcessInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = descendantsOf(rootPid).find((p) => commandLine(p.pid) === command);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no descendant of ${rootPid} runs "${command}" after ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Resolves after ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
