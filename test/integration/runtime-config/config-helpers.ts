// Helpers for runtime-configuration tests: read the history of a running instance, wait for things.
import WebSocket from 'ws';
import type { ConfigVersion } from '../../../runner/node/store/config-history-table';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { eventSocketUrl, instanceRootUrl } from '../../../runner/core/instance-api';

/** The newest applied version of the instance in `workingDir` (read with a second SQLite connection). */
export function latestVersion(workingDir: string): ConfigVersion | undefined {
  const store = SqliteStore.open(workingDir);
  try {
    return store.configHistory.latest();
  } finally {
    store.close();
  }
}

/** Every applied version, oldest first. */
export function allVersions(workingDir: string): ConfigVersion[] {
  const store = SqliteStore.open(workingDir);
  try {
    return store.configHistory.list(10_000).reverse();
  } finally {
    store.close();
  }
}

/** Polls `check` until it returns something other than undefined/false; rejects after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A store event as the WebSocket pushes it. */
export interface PushedEvent {
  seq: number;
  kind: string;
  subject: string;
  payload: Record<string, unknown>;
}

/** Connects to the instance's event WebSocket and collects every event. */
export async function collectEvents(port: number): Promise<{ events: PushedEvent[]; close(): void }> {
  const socket = new WebSocket(eventSocketUrl(instanceRootUrl(`http://127.0.0.1:${port}`), { since: 0 }));
  const events: PushedEvent[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as PushedEvent;
    if (message.kind !== 'log') events.push(message);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { events, close: () => socket.close() };
}
