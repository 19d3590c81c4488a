// `coin integrate --wait --json` shows nothing until the end: it reads the task's detail (hundreds of
// work items) once the task's end is announced, not at each of its state changes; an end announced
// before the submission's answer came back, a replay gap and a dropped stream still lead to a read.
// A wait with progress reads at once and at every change, as before. The client is a stand-in that
// counts the reads; the wait against a real instance and its event socket is in
// test/integration/client/integrate-wait.test.ts and every runner test that waits with --json.
import { expect, test } from 'vitest';
import type { FollowListener } from '../../../../runner/client/event-follower';
import type { InstanceClient } from '../../../../runner/client/instance-client';
import type { TaskDetail } from '../../../../runner/core/instance-api';
import type { StoreEvent } from '../../../../runner/core/records';
import { TaskWait } from '../../../../runner/cli/integrate-wait';

function standIn() {
  const state = { value: 'Running', reads: 0, listener: undefined as FollowListener | undefined };
  const client = {
    follow: (listener: FollowListener) => {
      state.listener = listener;
      // as the real follower's first hello: live, then a resync (re-read what is shown)
      const start = () => {
        listener.status?.('live');
        const said = Promise.resolve(0);
        listener.resync?.();
        return said;
      };
      return { start, stop: () => Promise.resolve() };
    },
    taskDetail: (id: string) => {
      state.reads++;
      return Promise.resolve({ task: { id, state: state.value }, workItems: [] } as unknown as TaskDetail);
    },
  } as unknown as InstanceClient;
  let seq = 0;
  const emit = (subject: string, to: string) =>
    state.listener!.event?.({
      seq: ++seq,
      time: new Date().toISOString(),
      kind: 'task.state',
      subject,
      payload: { from: 'Running', to },
    } as StoreEvent);
  return { client, state, emit };
}

const turns = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A wait on the stand-in, its stream started (as `coin integrate --wait` does before submitting). */
async function startedWait(quiet = true) {
  const stand = standIn();
  const wait = new TaskWait(stand.client, { quiet, line: () => undefined, terminal: false });
  await wait.start();
  return { ...stand, wait };
}

test('a quiet wait reads the detail once, when the task it waits for is announced ended (not at the first connection)', async () => {
  const { wait, state, emit } = await startedWait();
  let done: TaskDetail | undefined;
  void wait.until('t1').then((detail) => (done = detail));
  await turns();
  emit('t1', 'Running');
  emit('t2', 'Passed');
  await turns();
  expect(state.reads).toBe(0);
  expect(done).toBeUndefined();
  state.value = 'Passed';
  emit('t1', 'Passed');
  await expect.poll(() => done?.task.state).toBe('Passed');
  expect(state.reads).toBe(1);
  await wait.stop();
});

test('an end announced before the wait knew its task is not missed', async () => {
  const { wait, state, emit } = await startedWait();
  state.value = 'Failed';
  emit('t1', 'Failed');
  const detail = await wait.until('t1');
  expect(detail.task.state).toBe('Failed');
  expect(state.reads).toBe(1);
  await wait.stop();
});

test('a replay gap or a dropped stream makes a quiet wait read; a wait with progress reads at once', async () => {
  const { wait, state, emit } = await startedWait();
  void wait.until('t1');
  await turns();
  state.listener!.resync?.();
  await expect.poll(() => state.reads).toBe(1);
  state.listener!.status?.('reconnecting');
  await expect.poll(() => state.reads).toBe(2);
  await wait.stop();
  emit('t1', 'Passed');

  const shown = await startedWait(false);
  void shown.wait.until('t1');
  await expect.poll(() => shown.state.reads).toBe(1);
  await shown.wait.stop();
});
