// TCP sockets in LISTEN state that belong to this process, found through /proc: the socket
// inodes among /proc/self/fd matched against /proc/net/tcp and tcp6 (state 0A = LISTEN).
import fs from 'node:fs';
import net from 'node:net';

/** A listening TCP socket of this process. */
export interface ListeningSocket {
  readonly inode: string;
  readonly address: string;
  readonly port: number;
}

const listenState = '0A';

/** The TCP sockets this process is listening on right now, optionally only among some inodes. */
export function ownListeningSockets(among: ReadonlySet<string> = ownSocketInodes()): ListeningSocket[] {
  // Reading /proc/net/tcp costs over a millisecond, so skip it when there is nothing to look up.
  if (among.size === 0) return [];
  return [...readTcpTable('/proc/net/tcp'), ...readTcpTable('/proc/net/tcp6')].filter((s) =>
    among.has(s.inode),
  );
}

/** Closes the net.Server (http servers included) of this process that listens on port, if any. */
export function closeServerOnPort(port: number): boolean {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const servers = handles.filter((h): h is net.Server => h instanceof net.Server && serverPort(h) === port);
  for (const server of servers) {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close();
  }
  return servers.length > 0;
}

function serverPort(server: net.Server): number | undefined {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : undefined;
}

/** Inodes of all sockets (any kind, any state) among this process's open file descriptors. */
export function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The fd was closed while we listed the directory (readdir's own fd is one of them).
    }
  }
  return inodes;
}

function readTcpTable(file: string): ListeningSocket[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return []; // No IPv6 in this kernel or namespace.
  }
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, state, inode] = [fields[1], fields[3], fields[9]];
    if (state !== listenState || !local || !inode) continue;
    const [addressHex = '', portHex = ''] = local.split(':');
    sockets.push({ inode, address: decodeAddress(addressHex), port: parseInt(portHex, 16) });
  }
  return sockets;
}

// /proc prints addresses as 32-bit words in host (little-endian) byte order.
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return `[${groups.join(':')}]`;
}
