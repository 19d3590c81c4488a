/**
 * Opens the inspector of a running Node process without stopping it (SIGUSR1, what
 * `process._debugProcess` sends) and finds the loopback port it listens on. The runner sets
 * `process.debugPort = 0` at start (diagnostics-hook.ts), so its inspector takes a free port
 * instead of 9229; on Linux the port is found among the process' own listening sockets.
 */
import fs from 'node:fs/promises';

/** An inspector that answers: its port and the WebSocket URL of the process' one target. */
export interface InspectorEndpoint {
  port: number;
  webSocketUrl: string;
  /** False when the inspector was already open (then it is left open afterwards). */
  openedByUs: boolean;
}

/** The process is gone or is not a Node process we may signal. */
export class InspectorOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectorOpenError';
  }
}

const defaultInspectorPort = 9229;

/** The loopback TCP ports `pid` listens on (Linux: its sockets in /proc); undefined elsewhere. */
export async function listeningPortsOf(pid: number): Promise<number[] | undefined> {
  const fdDir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = await fs.readdir(fdDir);
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    const target = await fs.readlink(`${fdDir}/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1]) inodes.add(match[1]);
  }
  const table = await fs.readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => '');
  const ports: number[] = [];
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const [address, portHex] = (cols[1] ?? '').split(':');
    // state 0A is LISTEN; the inspector binds 127.0.0.1 (0100007F in /proc's byte order).
    if (cols[3] === '0A' && address === '0100007F' && inodes.has(cols[9] ?? '') && portHex)
      ports.push(parseInt(portHex, 16));
  }
  return ports;
}

/** The inspector's WebSocket URL on `port`, or undefined when that port is something else. */
export async function inspectorUrlOn(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(1000) });
    if (!response.ok) return undefined;
    const targets = (await response.json()) as { webSocketDebuggerUrl?: string }[];
    return Array.isArray(targets)
      ? targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl
      : undefined;
  } catch {
    return undefined;
  }
}

async function findInspector(pid: number): Promise<{ port: number; url: string } | undefined> {
  const ports = (await listeningPortsOf(pid)) ?? [defaultInspectorPort];
  for (const port of ports) {
    const url = await inspectorUrlOn(port);
    if (url) return { port, url };
  }
  return undefined;
}

function signalInspector(pid: number): void {
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InspectorOpenError(
      code === 'ESRCH'
        ? `no process ${pid} is running: is the instance started?`
        : `cannot signal process ${pid} (${code ?? String(error)}): run coin diagnose as the instance's user`,
    );
  }
}

/**
 * The inspector of `pid`, opened with SIGUSR1 when it is not open yet. Only for a process known to
 * be Node (SIGUSR1 ends most other programs): the caller checks that first.
 */
export async function openInspector(pid: number, timeoutMs = 5000): Promise<InspectorEndpoint> {
  const already = await findInspector(pid);
  if (already) return { port: already.port, webSocketUrl: already.url, openedByUs: false };
  signalInspector(pid);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const found = await findInspector(pid);
    if (found) return { port: found.port, webSocketUrl: found.url, openedByUs: true };
  }
  throw new InspectorOpenError(
    `process ${pid} did not open its inspector within ${timeoutMs} ms: ` +
      `a runner started without coin diagnose support uses port ${defaultInspectorPort}, which may be taken (its log says so)`,
  );
}

/** Whether `pid` runs Node (or the app's executable as Node): its command line names node or coin. */
export async function looksLikeNode(pid: number): Promise<boolean | undefined> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return undefined;
  return /node|coin|electron/i.test(cmdline);
}
