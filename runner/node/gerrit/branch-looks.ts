/**
 * The per-branch loop's scheduling: each project/branch is looked at by one look at a time; asked
 * again while a look runs, it runs once more afterwards; a look can be asked for later (a
 * cherry-pick accumulation that ends, a failed look tried again 5 s later).
 */

export interface BranchLooksOptions {
  /** Whether a look may run now (not while a build of the project/branch runs, unless allowed). */
  mayLook(project: string, branch: string): boolean;
  /** One look. */
  look(project: string, branch: string): Promise<void>;
  /** A look failed (the source or git failed on the way); it is tried again later. */
  failed(project: string, branch: string, error: unknown): void;
  /** Keep track of work under way (stop() waits for it). */
  track(work: Promise<void>): void;
  stopping(): boolean;
}

/** A project/branch whose look failed is looked at again this much later. */
export const retryAfterErrorMs = 5000;

/** setTimeout's longest delay. */
const maxDelayMs = 2 ** 31 - 1;

export class BranchLooks {
  /** project/branch pairs being looked at, and whether to look again afterwards. */
  private readonly busy = new Map<string, boolean>();
  /** Looks asked for later, per project/branch. */
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: BranchLooksOptions) {}

  /** Look at a project/branch now, or once the current look is over. */
  look(project: string, branch: string): void {
    const key = `${project}/${branch}`;
    if (this.busy.has(key)) {
      this.busy.set(key, true);
      return;
    }
    this.busy.set(key, false);
    this.options.track(this.loop(key, project, branch));
  }

  private async loop(key: string, project: string, branch: string): Promise<void> {
    const { options } = this;
    try {
      do {
        this.busy.set(key, false);
        if (!options.mayLook(project, branch) || options.stopping()) continue;
        try {
          await options.look(project, branch);
        } catch (error) {
          if (options.stopping()) return;
          options.failed(project, branch, error);
          this.wakeAt(project, branch, Date.now() + retryAfterErrorMs);
        }
      } while (this.busy.get(key) && !options.stopping());
    } finally {
      this.busy.delete(key);
    }
  }

  /** Look at a project/branch at `until` (ms); replaces an earlier request. */
  wakeAt(project: string, branch: string, until: number): void {
    const key = `${project}/${branch}`;
    clearTimeout(this.timers.get(key));
    const delay = Math.min(Math.max(until - Date.now(), 0) + 10, maxDelayMs);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.look(project, branch);
      }, delay),
    );
  }

  /** project/branch pairs being looked at or to be looked at again. */
  keys(): string[] {
    return [...new Set([...this.busy.keys(), ...this.timers.keys()])];
  }

  /** No more looks asked for later. */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}
