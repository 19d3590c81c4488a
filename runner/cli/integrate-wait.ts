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
import { isFinalTaskState, taskStates, type TaskState } from '../core/model';
import type { StoreEvent } from '../core/records';
import { eventKinds, isTaskEvent, type TaskDetail } from '../core/instance-api';
import { IntegrationProgress } from './integrate-progress';

/** How often the status line's clocks are redrawn on a terminal. */
const redrawMs = 1000;
/** While the stream is down, how often the task is read (an instance gone for good fails the read). */
const disconnectedReadMs = 2000;
/**
 * The detail is read at most this often for work item events: a task of hundreds of items changes
 * many times a second, and reading its whole detail after each change made the CLI and the
 * instance spend more CPU on the wait than on the work (measured: 200 trivial items, a third of
 * the instance's busy time). The task's own state change is read at once.
 */
export const detailEveryMs = 250;

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
  private dirty: boolean;
  /** Tasks whose end was announced before `until` named its task (a quiet wait reads nothing before). */
  private readonly endedEarly = new Set<string>();
  private wake: () => void = () => undefined;
  private readonly follower: EventFollower;
  private readonly progress: IntegrationProgress | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private disconnected: NodeJS.Timeout | undefined;
  private lastRead = 0;
  private later: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: InstanceClient,
    private readonly output: WaitOutput,
  ) {
    // A quiet wait shows nothing on the way: it reads the detail once the task's end is announced
    // (or the stream asks for it), not at every state change (each a read of hundreds of items).
    this.dirty = !output.quiet;
    this.follower = client.follow(
      {
        event: (event) => {
          if (output.quiet && event.kind === eventKinds.taskState) return this.quietState(event);
          if (this.taskId === undefined || !isTaskEvent(event, this.taskId)) return;
          if (event.kind === eventKinds.taskState && event.subject === this.taskId) this.poke();
          else this.pokeSoon();
        },
        resync: () => this.poke(),
        status: (status) => this.streamStatus(status),
      },
      // Without progress to show only the task's end matters: its state changes are all the
      // stream carries (200 trivial items: about 900 events fewer to send, parse and act on).
      output.quiet ? { kinds: [eventKinds.taskState] } : {},
    );
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
    // the stream's first connection asks for a read (resync); before the submission there is none to do
    if (this.output.quiet) this.dirty = false;
    if (this.progress && this.output.terminal) this.ticker = setInterval(() => this.wake(), redrawMs);
  }

  /** Resolves with the task's final detail, saying what changed on the way. */
  async until(taskId: string): Promise<TaskDetail> {
    this.taskId = taskId;
    if (this.output.quiet && !this.dirty && !this.endedEarly.has(taskId))
      await new Promise<void>((resolve) => (this.wake = resolve));
    let detail: TaskDetail | undefined;
    for (;;) {
      if (this.dirty || !detail) {
        this.dirty = false;
        this.lastRead = Date.now();
        detail = await this.client.taskDetail(taskId);
      }
      this.progress?.update(detail);
      if (isFinalTaskState(detail.task.state)) {
        this.progress?.finish(detail);
        return detail;
      }
      // An event that came during the read: read again now, or when its delay ends.
      if (this.dirty && !this.later) continue;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Close the stream (also after a failed submission). */
  async stop(): Promise<void> {
    clearInterval(this.ticker);
    clearInterval(this.disconnected);
    clearTimeout(this.later);
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

  /** A task's state change in a quiet wait: only the end of the task waited for matters. */
  private quietState(event: StoreEvent): void {
    const to = (event.payload as { to?: unknown }).to;
    if (!taskStates.includes(to as TaskState) || !isFinalTaskState(to as TaskState)) return;
    if (this.taskId === undefined) this.endedEarly.add(event.subject);
    else if (event.subject === this.taskId) this.poke();
  }

  private poke(): void {
    clearTimeout(this.later);
    this.later = undefined;
    this.dirty = true;
    this.wake();
  }

  /** Something of the task changed: read it again, but not sooner than detailEveryMs after the last read. */
  private pokeSoon(): void {
    this.dirty = true;
    if (this.later) return;
    const wait = this.lastRead + detailEveryMs - Date.now();
    if (wait <= 0) return this.wake();
    this.later = setTimeout(() => {
      this.later = undefined;
      this.wake();
    }, wait);
  }
}

/** A wait whose event stream is live: submit the task, then `until` its end. */
export async function startTaskWait(client: InstanceClient, output: WaitOutput): Promise<TaskWait> {
  const wait = new TaskWait(client, output);
  await wait.start();
  return wait;
}
