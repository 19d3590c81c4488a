import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  awaitConfigOutcome,
  latestEventSeq,
  outcomeOf,
} from '../../../../../electron/services/config-editor/config-events';
import { startFakeEventServer, type FakeEventServer } from './fake-event-server';

const mine = 'a'.repeat(64);
const other = 'b'.repeat(64);
let server: FakeEventServer;

beforeEach(async () => {
  server = await startFakeEventServer([
    { seq: 1, kind: 'task.state', payload: {} },
    { seq: 2, kind: 'config.applied', payload: { sha256: other, version: 1 } },
  ]);
});
afterEach(async () => {
  await server.close();
});

test('only a config event about the same text is an outcome', () => {
  const applied = {
    seq: 5,
    kind: 'config.applied',
    payload: { sha256: mine, version: 4, appliedBy: 'file edit', via: 'file edit', changes: [], diff: '' },
  };
  expect(outcomeOf(applied, mine)).toEqual({
    kind: 'applied',
    seq: 5,
    version: 4,
    appliedBy: 'file edit',
    via: 'file edit',
    changes: [],
    diff: '',
  });
  expect(outcomeOf(applied, other)).toBeUndefined();
  expect(outcomeOf({ seq: 6, kind: 'task.state', payload: { sha256: mine } }, mine)).toBeUndefined();
  expect(
    outcomeOf(
      {
        seq: 7,
        kind: 'config.rejected',
        payload: { sha256: mine, errors: ['x:1:1: error: e'], keptVersion: 3 },
      },
      mine,
    ),
  ).toEqual({
    kind: 'rejected',
    seq: 7,
    errors: ['x:1:1: error: e'],
    keptVersion: 3,
  });
});

test('the latest sequence number comes from the hello, and the socket is closed afterwards', async () => {
  expect(await latestEventSeq(server.url)).toBe(2);
  expect(server.queries).toEqual(['hello=1&logs=none']);
  await expect.poll(() => server.connected()).toBe(0);
});

test('the outcome of a saved text is found among the events after the mark, even when it came first', async () => {
  server.push('config.rejected', {
    sha256: mine,
    errors: ['coin_configuration.json:2:5: error: bad'],
    keptVersion: 1,
  });
  const outcome = await awaitConfigOutcome(server.url, mine, 2, 5000);
  expect(outcome).toEqual({
    kind: 'rejected',
    seq: 3,
    errors: ['coin_configuration.json:2:5: error: bad'],
    keptVersion: 1,
  });
  expect(server.queries).toEqual(['since=2&logs=none']);
});

test('an outcome pushed while waiting ends the wait; none in time is pending with where to go on from', async () => {
  const waiting = awaitConfigOutcome(server.url, mine, 2, 5000);
  await expect.poll(() => server.connected()).toBe(1);
  server.push('task.state', {});
  server.push('config.applied', {
    sha256: mine,
    version: 2,
    appliedBy: 'file edit',
    via: 'file edit',
    changes: [{ path: 'a', before: 1, after: 2 }],
    diff: '+x',
  });
  expect(await waiting).toMatchObject({
    kind: 'applied',
    seq: 4,
    version: 2,
    changes: [{ path: 'a', before: 1, after: 2 }],
  });
  expect(await awaitConfigOutcome(server.url, other, 4, 300)).toEqual({ kind: 'pending', since: 4 });
  await expect.poll(() => server.connected()).toBe(0);
});

test('an instance that is gone is an error for the mark and a rejection, not a hang', async () => {
  const url = server.url;
  await server.close();
  await expect(latestEventSeq(url)).rejects.toThrow(/event stream failed/);
  await expect(awaitConfigOutcome(url, mine, 0, 2000)).rejects.toThrow(/event stream failed/);
  server = await startFakeEventServer();
});
