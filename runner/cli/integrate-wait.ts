/**
 * `coin integrate --wait`: follows the instance's event stream instead of asking over and over.
 * The stream is opened before the integration is submitted, so none of its events can be missed;
 * the task detail is read again only when an event is about the task (or after a reconnect), and
 * the progress (integrate-progress.ts) says what changed. A dropped stream reconnects and the
 * instance replays what was missed (instance-api-events.ts); while it is down the detail is read
 * every few seconds, so an instance that went away shows as the failed read of the detail.
 */
import type { EventFollower, FollowStatus } from '../client/event-follower';
import type { InstanceClient } from '../client/instance-client';
import { isFinalTaskState } from '../core/model';
import { isTaskEvent, type TaskDetail } from '../core/instance-api';
import { IntegrationProgress } from './integrate-progress';

/** How often the status line's clocks are redrawn on a terminal. */
const redrawMs = 1000;
/** While the stream is down, how often the task is read (an instance gone for good fails the read). */
const disconnectedReadMs = 2000;

/** Where the wait says what happens: nothing (quiet), or lines and a status line. */
export interface WaitOutput {
  quiet: boolean;
  line(text: string): void;
  raw?(text: string): void;
  terminal: boolean;
}

/** A wait on one task's end, following the instance's events (see the file comment). */
export class TaskWait {
  private taskId: string | undefined;
  /** Something happened to the task since its detail was last read. */
  private dirty = true;
  private wake: () => void = () => undefined;
  private readonly follower: EventFollower;
  private readonly progress: IntegrationProgress | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private disconnected: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: InstanceClient,
    private readonly output: WaitOutput,
  ) {
    this.follower = client.follow({
      event: (event) => this.taskId !== undefined && isTaskEvent(event, this.taskId) && this.poke(),
      resync: () => this.poke(),
      status: (status) => this.streamStatus(status),
    });
    this.progress = output.quiet
      ? undefined
      : new IntegrationProgress({
          line: output.line,
          raw: (text) => output.raw?.(text),
          live: output.terminal && output.raw !== undefined,
        });
  }

  /** Open the event stream; resolves once it is live (before anything is submitted). */
  async start(): Promise<void> {
    await this.follower.start();
    if (this.progress && this.output.terminal) this.ticker = setInterval(() => this.wake(), redrawMs);
  }

  /** Resolves with the task's final detail, saying what changed on the way. */
  async until(taskId: string): Promise<TaskDetail> {
    this.taskId = taskId;
    let detail: TaskDetail | undefined;
    for (;;) {
      if (this.dirty || !detail) {
        this.dirty = false;
        detail = await this.client.taskDetail(taskId);
      }
      this.progress?.update(detail);
      if (isFinalTaskState(detail.task.state)) {
        this.progress?.finish(detail);
        return detail;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Close the stream (also after a failed submission). */
  async stop(): Promise<void> {
    clearInterval(this.ticker);
    clearInterval(this.disconnected);
    this.wake();
    await this.follower.stop();
  }

  /** A dropped stream: read the task now and every few seconds until the stream is back. */
  private streamStatus(status: FollowStatus): void {
    if (status === 'live') {
      clearInterval(this.disconnected);
      this.disconnected = undefined;
      return;
    }
    this.poke();
    this.disconnected ??= setInterval(() => this.poke(), disconnectedReadMs);
  }

  private poke(): void {
    this.dirty = true;
    this.wake();
  }
}

/** A wait whose event stream is live: submit the task, then `until` its end. */
export async function startTaskWait(client: InstanceClient, output: WaitOutput): Promise<TaskWait> {
  const wait = new TaskWait(client, output);
  await wait.start();
  return wait;
}
