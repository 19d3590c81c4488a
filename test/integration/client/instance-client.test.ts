// The typed instance client (runner/client) against a real `coin run`: found from its working
// directory, an integration submitted with the admin token and followed through the event stream,
// every read checked against the contract, refusals in words, and the event follower catching up
// across a restart without a gap or a duplicate, and starting over when the store was replaced.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FollowStatus } from '../../../runner/client/event-follower';
import type { InstanceClient } from '../../../runner/client/instance-client';
import { InstanceRefusedError, NoInstanceError } from '../../../runner/client/instance-errors';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { isTaskEvent, type StoreEvent } from '../../../runner/core/instance-api';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { freeLoopbackPort } from '../../helpers/free-port';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

let root: TempDir;
let work: string;
let repo: string;
let port: number;
let coin: CoinProcess | undefined;

beforeAll(async () => {
  root = await makeTempDir('instance-client-');
  work = path.join(root.path, 'work');
  repo = path.join(root.path, 'demo/tool');
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  port = await freeLoopbackPort();
  coin = await startCoin(work, ['--port', String(port)]);
});

afterAll(async () => {
  await coin?.stop();
  await root.remove();
});

/** Integrate demo/tool and wait until the task's end shows in `events`; resolves to its id. */
async function integrate(client: InstanceClient, events: readonly StoreEvent[]): Promise<string> {
  const { id } = await client.submitIntegration({ repo, ref: 'main' });
  const ended = () =>
    events.some((e) => e.kind === 'task.state' && e.subject === id && e.payload.to === 'Passed');
  await expect.poll(ended, { timeout: 90_000, interval: 100 }).toBe(true);
  return id;
}

test('found from its working directory; a directory without an instance says how to start one', async () => {
  const empty = path.join(root.path, 'empty');
  expect(() => connectWorkingDir(empty)).toThrow(NoInstanceError);
  expect(() => connectWorkingDir(empty)).toThrow(
    `no Coin instance is running in ${empty} (start one with: coin run --working-dir ${empty})`,
  );
  expect(connectWorkingDir(work).root).toBe(`http://127.0.0.1:${port}/coin/`);
});

test('an integration followed through the event stream; every read fits the contract', async () => {
  const client = connectWorkingDir(work);
  const events: StoreEvent[] = [];
  const follower = client.follow({ event: (e) => events.push(e) });
  const startSeq = await follower.start();
  try {
    const id = await integrate(client, events);
    const seqs = events.map((e) => e.seq);
    expect(seqs[0]).toBeGreaterThan(startSeq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(events.filter((e) => isTaskEvent(e, id)).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['task.created', 'workItem.created', 'workItem.state', 'task.state']),
    );
    const detail = await client.taskDetail(id);
    expect(detail.task.state).toBe('Passed');
    const testItem = detail.workItems.find((w) => w.kind === 'test')!;
    expect((await client.logSearch(testItem.id, 'tool works')).matches).toHaveLength(1);
    expect((await client.logLines(testItem.id, { tail: 5 })).lines.join('\n')).toContain('tool works');
    expect(await client.firstError(testItem.id)).toBeNull();
    expect(await client.tests(testItem.id)).toEqual([]);
    expect((await client.agents()).length).toBeGreaterThan(0);
    expect((await client.storage()).artifacts.count).toBeGreaterThan(0);
    expect((await client.storageHistory({ hours: 1, points: 5 })).artifactBytes).toHaveLength(5);
    expect((await client.agentHistory({ hours: 1, points: 5 })).series).toHaveLength(5);
    expect((await client.hosts()).hypervisor).toBe('local');
    expect(await client.gerrit()).toEqual({ enabled: false });
    expect(await client.gc({ dryRun: true })).toMatchObject({ dryRun: true, removed: [] });
  } finally {
    await follower.stop();
  }
});

test("refusals are the instance's words, with the status", async () => {
  const client = connectWorkingDir(work);
  const missing = await client.taskDetail('nope').catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(InstanceRefusedError);
  expect(missing).toMatchObject({ status: 404, message: "no task 'nope'" });
  const badRef = await client.submitIntegration({ repo, ref: 'no-such-branch' }).catch((e: unknown) => e);
  expect(badRef).toMatchObject({ status: 400, reason: expect.stringContaining('no-such-branch') });
});

test('the follower catches up across a restart, and starts over when the store was replaced', async () => {
  const statuses: FollowStatus[] = [];
  const seen: StoreEvent[] = [];
  let resyncs = 0;
  const follower = connectWorkingDir(work).follow({
    event: (e) => seen.push(e),
    status: (s) => statuses.push(s),
    resync: () => resyncs++,
  });
  const startSeq = await follower.start();
  try {
    await coin!.stop();
    await expect.poll(() => follower.status).toBe('reconnecting');
    coin = await startCoin(work, ['--port', String(port)]);
    await expect.poll(() => follower.status, { timeout: 10_000 }).toBe('live');
    // The token is new with every start: the client is made again from the directory.
    await integrate(connectWorkingDir(work), seen);
    const stored: StoreEvent[] = [];
    const reader = connectWorkingDir(work).follow({ event: (e) => stored.push(e) }, { since: startSeq });
    await reader.start();
    await expect.poll(() => stored.length).toBe(seen.length);
    await reader.stop();
    expect(seen.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
    expect(resyncs).toBe(1);

    // Another working directory behind the same port: a fresh store, whose newest seq is below ours.
    const before = follower.lastSeq!;
    await coin.stop();
    coin = await startCoin(path.join(root.path, 'other-work'), ['--port', String(port)]);
    await expect.poll(() => resyncs, { timeout: 10_000 }).toBe(2);
    expect(follower.lastSeq).toBeLessThan(before);
  } finally {
    await follower.stop();
    // What this test started, it stops (the last test of the file).
    await coin?.stop();
    coin = undefined;
  }
});
