/**
 * Following plain git repositories (git-change-source.ts), which send no events: their refs are
 * listed (`git ls-remote`) every pollMs, and a project whose refs moved is read again; a change
 * staged since the last look is told as `change-staged`. The first successful look is the
 * connection (`connected`: the instance then asks for everything staged); a look that fails is a
 * lost connection, tried again after a backoff (doubling up to 30 s), and the next successful one
 * connects again.
 */
import type { ChangeSourceListener, SourceChange } from '../../core/change-source';

/** What the poller reads (GitChangeSource). */
export interface PolledSource {
  snapshot(project: string): Promise<string>;
  changesOf(project: string): Promise<{ staged: SourceChange[] }>;
}

export interface GitSourcePollerOptions {
  projects: readonly string[];
  pollMs: number;
  initialBackoffMs: number;
  maxBackoffMs?: number;
}

export class GitSourcePoller {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Each project's refs at the last look. */
  private snapshots = new Map<string, string>();
  /** The staged changes seen, per project. */
  private readonly staged = new Map<string, Set<string>>();

  constructor(
    private readonly source: PolledSource,
    private readonly listener: ChangeSourceListener,
    private readonly options: GitSourcePollerOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { initialBackoffMs, maxBackoffMs = 30_000, pollMs } = this.options;
    let backoff = initialBackoffMs;
    let up = false;
    let connectedOnce = false;
    while (!this.stopping) {
      try {
        if (up) await this.look();
        else {
          await this.connect(connectedOnce);
          [up, connectedOnce, backoff] = [true, true, initialBackoffMs];
        }
        await this.sleep(pollMs);
      } catch (error) {
        up = false;
        if (this.stopping) break;
        this.listener.disconnected(error instanceof Error ? error.message : String(error), backoff);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      }
    }
  }

  /** Take the repositories as they are now (no events for what is staged already), then say so. */
  private async connect(reconnected: boolean): Promise<void> {
    this.snapshots = await this.snapshotAll();
    for (const project of this.options.projects) {
      const { staged } = await this.source.changesOf(project);
      this.staged.set(project, new Set(staged.map((c) => c.id)));
    }
    await this.listener.connected(reconnected);
  }

  private async snapshotAll(): Promise<Map<string, string>> {
    const { projects } = this.options;
    const refs = await Promise.all(projects.map((p) => this.source.snapshot(p)));
    return new Map(projects.map((p, i) => [p, refs[i]!]));
  }

  /** Read again the projects whose refs moved; tell the changes staged since. */
  private async look(): Promise<void> {
    const now = await this.snapshotAll();
    for (const project of this.options.projects) {
      if (now.get(project) === this.snapshots.get(project)) continue;
      const { staged } = await this.source.changesOf(project);
      const seen = this.staged.get(project) ?? new Set<string>();
      for (const change of staged) {
        if (seen.has(change.id) || this.stopping) continue;
        this.listener.changed({
          type: 'change-staged',
          id: change.id,
          number: change.number,
          project,
          branch: change.branch,
          subject: change.subject,
          patchSet: change.patchSet,
          status: null,
          owner: change.owner,
          by: null,
        });
      }
      this.staged.set(project, new Set(staged.map((c) => c.id)));
      this.snapshots.set(project, now.get(project)!);
    }
  }

  /** Wait `ms`, or less when stop() is called. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.stopping) return resolve();
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
