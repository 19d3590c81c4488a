/**
 * The post-update watch of one profile: polls the instance (post-update-signals.ts) every few
 * seconds from the restart until the period ends or someone stops it, judges each poll
 * (post-update-verdict.ts) and hands every new state to `changed` (which keeps it on disk, so a
 * watch survives an app restart: a new PostUpdateWatch goes on from the kept state).
 */
import type { PostUpdateWatch as WatchState, WatchedTask } from '../../common/post-update-contract';
import type { InstanceSession } from '../instances/instance-session';
import { JournalErrorReader, readSnapshot } from './post-update-signals';
import { judge, judgeUnreadable } from './post-update-verdict';

/** What a watch uses. */
export interface WatchDeps {
  session(): Promise<InstanceSession>;
  /** Every new state, with the agents seen running so far (kept on disk). */
  changed(state: WatchState, seenRunning: readonly string[]): Promise<void>;
  /** Time between polls (default 5 s). */
  pollMs?: number;
}

/** Default time between polls. */
export const defaultPollMs = 5000;

/** A running watch; `done` resolves when it stopped polling (it never rejects). */
export class PostUpdateWatch {
  private state: WatchState;
  private readonly seenRunning: Set<string>;
  private stopRequested = false;
  private detached = false;
  private wake: (() => void) | null = null;
  /** Where the watch is in the journal (only what is new is read at each poll). */
  private journal: JournalErrorReader | undefined;
  readonly done: Promise<void>;

  constructor(
    initial: WatchState,
    private readonly interruptedIds: readonly string[],
    seenRunning: readonly string[],
    private readonly deps: WatchDeps,
  ) {
    this.state = initial;
    this.seenRunning = new Set(seenRunning);
    this.done = initial.state === 'polling' ? this.loop() : Promise.resolve();
  }

  snapshot(): WatchState {
    return structuredClone(this.state);
  }

  get polling(): boolean {
    return this.state.state === 'polling';
  }

  /** Stops polling; the last verdict stays. Resolves when the loop has ended. */
  async stop(): Promise<WatchState> {
    this.stopRequested = true;
    this.wake?.();
    await this.done;
    return this.snapshot();
  }

  /**
   * Ends polling without a last state (the app closes: the kept state still says polling, so the
   * next start goes on watching).
   */
  async detach(): Promise<void> {
    this.detached = true;
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    for (;;) {
      await this.poll();
      if (this.detached) return;
      if (this.stopRequested && this.state.state === 'polling')
        this.state = { ...this.state, state: 'stopped' };
      await this.save();
      if (this.state.state !== 'polling') return;
      await this.sleep(this.deps.pollMs ?? defaultPollMs);
      if (this.detached) return;
      if (this.stopRequested) {
        this.state = { ...this.state, state: 'stopped' };
        return this.save();
      }
    }
  }

  private async poll(): Promise<void> {
    const known = new Map<string, WatchedTask>(
      [...this.state.finished, ...this.state.interrupted].map((t) => [t.id, t]),
    );
    try {
      const session = await this.deps.session();
      const restartedAt = Date.parse(this.state.restartedAt);
      this.journal ??= new JournalErrorReader(restartedAt);
      const snapshot = await readSnapshot(session, {
        restartedAt,
        interruptedIds: this.interruptedIds,
        known,
        journal: this.journal,
      });
      this.state = judge(this.state, snapshot, this.seenRunning, Date.now());
    } catch (error) {
      this.state = judgeUnreadable(this.state, (error as Error).message, Date.now());
    }
  }

  private async save(): Promise<void> {
    await this.deps.changed(this.snapshot(), [...this.seenRunning]).catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopRequested || this.detached) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      // A watch alone does not keep the process alive (the app quits; the kept state resumes it).
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}
