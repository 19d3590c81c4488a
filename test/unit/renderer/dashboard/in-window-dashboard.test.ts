// The in-window dashboard's pure parts: which instance is shown first, and the adapter that gives
// EventStream a WebSocket over DeskApi's relay (driven here by a scripted relay).
import { expect, test } from 'vitest';
import type { DashboardTargetInfo } from '../../../../electron/common/dashboard-bridge-contract';
import {
  DeskEventSocket,
  deskSocketFactory,
  deskTransport,
} from '../../../../renderer/src/areas/dashboard/desk-dashboard-link';
import { initialTarget } from '../../../../renderer/src/areas/dashboard/instance-dashboard-area';
import { DashboardClient, DashboardRequestError } from '../../../../renderer/src/dashboard/dashboard-client';
import { EventStream } from '../../../../renderer/src/dashboard/event-stream';
import { instancePaths } from '../../../../runner/core/instance-api';

const runner = (dir: string, available: boolean): DashboardTargetInfo => ({
  target: { kind: 'local-runner', workingDir: dir },
  label: dir,
  available,
  detail: available ? 'local runner on port 1' : 'local runner, stopped',
});
const profile = (id: string): DashboardTargetInfo => ({
  target: { kind: 'profile', profileId: id },
  label: id,
  available: true,
  detail: 'ssh',
});

test('the first instance shown: the remembered one, else the pinned one, else the first reachable', () => {
  const list = [runner('/a', false), runner('/b', true), profile('master')];
  expect(initialTarget(list, 'profile:master', null)).toBe(list[2]);
  expect(initialTarget(list, 'profile:gone', { kind: 'local-runner', workingDir: '/a' })).toBe(list[0]);
  expect(initialTarget(list, null, null)).toBe(list[1]);
  expect(initialTarget([runner('/a', false)], null, null)?.label).toBe('/a');
  expect(initialTarget([], null, null)).toBeUndefined();
});

type Batch = { open: boolean; messages: string[]; closed: boolean };

/** A storage report as GET api/storage answers it. */
const storage = {
  freeBytes: 10,
  totalBytes: 100,
  gcMinFreeBytes: 5,
  artifactEpoch: 1,
  artifacts: { count: 0, bytes: 0, byProject: [] },
};

/** A relay that answers events-next from a script, one batch per call. */
function scriptedDesk(batches: Batch[]) {
  const calls: string[] = [];
  let streams = 0;
  const desk = {
    dashboardGet: async ({ path }: { path: string }) => {
      calls.push(`get ${path}`);
      if (path.startsWith(instancePaths.gerrit())) throw new Error('The Coin instance at x does not answer');
      const missing = path.includes('nope');
      return {
        status: missing ? 404 : 200,
        body: missing ? { error: 'no such task' } : storage,
        base: 'http://127.0.0.1:9/coin/',
      };
    },
    dashboardEventsOpen: async (input: { since?: number; logs?: string }) => {
      calls.push(`open since=${input.since} logs=${input.logs}`);
      return { streamId: `s${++streams}` };
    },
    dashboardEventsNext: async ({ streamId }: { streamId: string }) => {
      await new Promise((r) => setTimeout(r, 5));
      return batches.shift() ?? { open: true, messages: [], closed: streamId === 's1' };
    },
    dashboardEventsSend: async ({ data }: { data: string }) => {
      calls.push(`send ${data}`);
      return { sent: true };
    },
    dashboardEventsClose: async ({ streamId }: { streamId: string }) => {
      calls.push(`close ${streamId}`);
      return { closed: true };
    },
  };
  return { desk, calls };
}

test('reads go through dashboard:get; a refusal and an unreachable instance are DashboardRequestErrors', async () => {
  const { desk, calls } = scriptedDesk([]);
  const target = { kind: 'local-runner', workingDir: '/w' } as const;
  const client = new DashboardClient('http://127.0.0.1:9/coin/', deskTransport(desk as never, target));
  expect(await client.storage()).toEqual(storage);
  expect(calls).toContain(`get ${instancePaths.storage()}`);
  await expect(client.agents()).rejects.toThrow(/answered api\/agents unexpectedly \(agents: /);
  await expect(client.taskDetail('nope').catch((e: unknown) => e)).resolves.toMatchObject({
    status: 404,
    message: 'The Coin instance refused the request: no such task',
  });
  const failing = deskTransport(desk as never, target);
  await expect(failing(instancePaths.gerrit())).rejects.toBeInstanceOf(DashboardRequestError);
  const aborted = new AbortController();
  aborted.abort();
  await expect(failing(instancePaths.tasks(), aborted.signal)).rejects.toMatchObject({ name: 'AbortError' });
});

test('EventStream over the relay: opens, receives in order, sends follow requests, reconnects with since', async () => {
  const { desk, calls } = scriptedDesk([
    { open: true, messages: [JSON.stringify({ kind: 'hello', lastSeq: 4 })], closed: false },
    {
      open: true,
      messages: [
        JSON.stringify({ seq: 5, kind: 'task.created' }),
        JSON.stringify({ seq: 6, kind: 'task.state' }),
      ],
      closed: false,
    },
    { open: true, messages: [], closed: true },
  ]);
  const target = { kind: 'profile', profileId: 'm' } as const;
  const client = new DashboardClient('http://127.0.0.1:9/coin/');
  const stream = new EventStream(
    (since) => client.eventsUrl(since),
    deskSocketFactory(desk as never, target),
  );
  const seen: number[] = [];
  const statuses: string[] = [];
  stream.listen({ event: (e) => seen.push(e.seq), status: (s) => statuses.push(s) });
  stream.followLogs(['wi-1']);
  stream.start();
  await expect.poll(() => calls.filter((c) => c.startsWith('open')).length, { timeout: 3000 }).toBe(2);
  stream.stop();
  expect(seen).toEqual([5, 6]);
  expect(statuses).toEqual(['live', 'reconnecting', 'live'].slice(0, statuses.length));
  expect(calls).toContain('open since=undefined logs=none');
  expect(calls).toContain('open since=6 logs=none');
  expect(calls).toContain(`send ${JSON.stringify({ type: 'logs', workItemIds: ['wi-1'] })}`);
  await expect.poll(() => calls.includes('close s2')).toBe(true);
});

test('a socket closed before its stream opened closes the stream it gets', async () => {
  const { desk, calls } = scriptedDesk([]);
  const socket = new DeskEventSocket(desk as never, { kind: 'local-runner', workingDir: '/w' }, 3, 'all');
  let closed = 0;
  socket.onclose = () => closed++;
  socket.close();
  expect(socket.readyState).toBe(3);
  await expect.poll(() => calls).toContain('close s1');
  expect(calls).toContain('open since=3 logs=all');
  expect(closed).toBe(1);
});
