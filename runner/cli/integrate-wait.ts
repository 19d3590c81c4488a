/**
 * `coin integrate --wait`: follows the instance's event stream instead of asking over and over.
 * The stream is opened before the integration is submitted, so none of its events can be missed;
 * the task detail is read again only when an event is about the task (or after a reconnect), and
 * the progress (integrate-progress.ts) says what changed. A dropped stream reconnects and the
 * instance replays what was missed (instance-api-events.ts); an instance that went away shows as
 * the failed read of the detail.
 */
import type { InstanceClient } from '../client/instance-client';
import { isFinalTaskState } from '../core/model';
import { isTaskEvent, type TaskDetail } from '../core/instance-api';
import { IntegrationProgress } from './integrate-progress';

/** How often the status line's clocks are redrawn on a terminal. */
const redrawMs = 1000;

/** Where the wait says what happens: nothing (quiet), or lines and a status line. */
export interface WaitOutput {
  quiet: boolean;
  line(text: string): void;
  raw?(text: string): void;
  terminal: boolean;
}

/** A started wait: submit the task, then `until` resolves with its final detail. */
export interface TaskWait {
  until(taskId: string): Promise<TaskDetail>;
  /** Close the stream (also after a failed submission). */
  stop(): Promise<void>;
}

/** Open the instance's event stream; resolves once it is live (before anything is submitted). */
export async function startTaskWait(client: InstanceClient, output: WaitOutput): Promise<TaskWait> {
  let taskId: string | undefined;
  let dirty = true;
  let wake: () => void = () => undefined;
  const poke = () => {
    dirty = true;
    wake();
  };
  const follower = client.follow({
    event: (event) => taskId !== undefined && isTaskEvent(event, taskId) && poke(),
    resync: poke,
    status: (status) => status === 'reconnecting' && poke(),
  });
  await follower.start();
  const progress = output.quiet
    ? undefined
    : new IntegrationProgress({
        line: output.line,
        raw: (text) => output.raw?.(text),
        live: output.terminal && output.raw !== undefined,
      });
  const ticker = progress && output.terminal ? setInterval(() => wake(), redrawMs) : undefined;
  return {
    async until(id) {
      taskId = id;
      let detail: TaskDetail | undefined;
      for (;;) {
        if (dirty || !detail) {
          dirty = false;
          detail = await client.taskDetail(id);
        }
        progress?.update(detail);
        if (isFinalTaskState(detail.task.state)) {
          progress?.finish(detail);
          return detail;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async stop() {
      clearInterval(ticker);
      wake();
      await follower.stop();
    },
  };
}
