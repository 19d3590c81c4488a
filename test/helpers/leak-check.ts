// Finds what a test left behind (child processes, listening TCP sockets, temp dirs) by
// comparing the state before and after it, reports it by name, and cleans it up so one leak
// does not make every later test fail too. Registered globally by leak-check-setup.ts.
import path from 'node:path';
import {
  closeServerOnPort,
  ownListeningSockets,
  ownSocketInodes,
  type ListeningSocket,
} from './listening-ports';
import {
  commandLine,
  descendantsOf,
  readProcessTable,
  signalAll,
  sleep,
  waitUntilGone,
  type ProcessInfo,
} from './process-tree';
import { listTempRoot, removePath, tempRoot } from './temp-dir';

/** What existed at one moment: descendant processes, own sockets, temp root entries. */
export interface LeakSnapshot {
  readonly processKeys: ReadonlySet<string>;
  /** All sockets, listening or not: a socket listens from the moment it is created in Node. */
  readonly socketInodes: ReadonlySet<string>;
  readonly tempEntries: ReadonlySet<string>;
}

/** A descendant process that was not there before, with its command line. */
export interface LeakedProcess extends ProcessInfo {
  readonly command: string;
}

/** Everything that appeared since a snapshot and is still there. */
export interface Leaks {
  readonly processes: LeakedProcess[];
  readonly sockets: ListeningSocket[];
  readonly tempDirs: string[];
}

/** Options of checkLeaks: how long to wait for things that are still closing. */
export interface LeakCheckOptions {
  readonly graceMs?: number;
}

const defaultGraceMs = 2000;

/** Records the current descendants, sockets and temp root entries of this process. */
export function takeLeakSnapshot(): LeakSnapshot {
  return {
    processKeys: new Set(descendantsOf(process.pid).map(processKey)),
    socketInodes: ownSocketInodes(),
    tempEntries: new Set(listTempRoot()),
  };
}

/**
 * True when one of the ancestors of `info` below this process was already there: the process
 * belongs to something a beforeAll started (a running Coin instance and its agents), which the
 * per-file check holds to account, not the test that happened to make it start one.
 */
function ownedByEarlierProcess(
  info: ProcessInfo,
  table: Map<number, ProcessInfo>,
  before: LeakSnapshot,
): boolean {
  let parent = table.get(info.ppid);
  while (parent && parent.pid !== process.pid) {
    if (before.processKeys.has(processKey(parent))) return true;
    parent = table.get(parent.ppid);
  }
  return false;
}

/** What is alive or present now that was not in the snapshot. */
export function findLeaks(before: LeakSnapshot): Leaks {
  const table = readProcessTable();
  return {
    processes: descendantsOf(process.pid, table)
      .filter((p) => !before.processKeys.has(processKey(p)) && !ownedByEarlierProcess(p, table, before))
      .map((p) => ({ ...p, command: commandLine(p.pid) })),
    sockets: ownListeningSockets(newSocketInodes(before)),
    tempDirs: listTempRoot()
      .filter((name) => !before.tempEntries.has(name))
      .map((name) => path.join(tempRoot(), name)),
  };
}

/** True when anything leaked. */
export function hasLeaks(leaks: Leaks): boolean {
  return leaks.processes.length + leaks.sockets.length + leaks.tempDirs.length > 0;
}

/** Finds leaks, giving things that are mid-way through closing up to graceMs to finish. */
export async function waitForLeaks(before: LeakSnapshot, graceMs = defaultGraceMs): Promise<Leaks> {
  const deadline = Date.now() + graceMs;
  let leaks = findLeaks(before);
  while (hasLeaks(leaks) && Date.now() < deadline) {
    await sleep(25);
    leaks = findLeaks(before);
  }
  return leaks;
}

/** A message that names every leaked process (pid and command), port and temp dir. */
export function describeLeaks(leaks: Leaks): string {
  const lines = [
    ...leaks.processes.map((p) => `  child process ${p.pid}: ${p.command || '(no command line)'}`),
    ...leaks.sockets.map((s) => `  listening TCP port ${s.port} on ${s.address}`),
    ...leaks.tempDirs.map((dir) => `  temporary directory ${dir}`),
  ];
  return `The test left these behind (the leak check has now removed them):\n${lines.join('\n')}`;
}

/** Kills leaked processes, closes leaked servers and deletes leaked temp dirs. */
export async function cleanUpLeaks(leaks: Leaks): Promise<void> {
  signalAll(leaks.processes, 'SIGKILL');
  for (const socket of leaks.sockets) closeServerOnPort(socket.port);
  await Promise.all(leaks.tempDirs.map(removePath));
  await waitUntilGone(leaks.processes, defaultGraceMs);
}

/** Waits out the grace period, cleans up what leaked and returns its description (or undefined). */
export async function checkLeaks(
  before: LeakSnapshot,
  options: LeakCheckOptions = {},
): Promise<string | undefined> {
  const leaks = await waitForLeaks(before, options.graceMs ?? defaultGraceMs);
  if (!hasLeaks(leaks)) return undefined;
  await cleanUpLeaks(leaks);
  return describeLeaks(leaks);
}

/** Like checkLeaks, but throws the description so the running test or suite fails. */
export async function assertNoLeaks(before: LeakSnapshot, options: LeakCheckOptions = {}): Promise<void> {
  const message = await checkLeaks(before, options);
  if (message) throw new Error(message);
}

function newSocketInodes(before: LeakSnapshot): Set<string> {
  return new Set([...ownSocketInodes()].filter((inode) => !before.socketInodes.has(inode)));
}

function processKey(info: ProcessInfo): string {
  return `${info.pid}:${info.startTime}`;
}
