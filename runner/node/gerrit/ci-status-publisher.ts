/**
 * The writing (real) instance tells Gerrit its load every so often with the plugin's
 * `ci-status-update -i '[{name, running, queue, load}]'`: integrations running, integrations
 * queued, and a load of 0 (nothing waits), 1 (no more waiting than running) or 2 (more). Without
 * the `ciStatusUpdate` capability Gerrit answers `fatal: not permitted`: that is said once, shown
 * on the Gerrit page, and not tried again.
 */
import type { Logger } from 'pino';
import type { CiStatusEntry, GerritCiStatus } from '../../core/gerrit/gerrit-overview';
import type { SqliteStore } from '../store/sqlite-store';
import type { GerritClient } from './gerrit-client';
import { gerritErrorText } from './gerrit-change-source';
import { GerritCommandError } from './gerrit-ssh';

export interface CiStatusPublisherOptions {
  client: GerritClient;
  store: SqliteStore;
  log: Logger;
  /** The name Gerrit shows for this CI. */
  name: string;
  intervalMs: number;
}

/** The entry for what the store holds now. */
export function ciStatusOf(name: string, running: number, queue: number): CiStatusEntry {
  return { name, running, queue, load: queue === 0 ? 0 : queue <= running ? 1 : 2 };
}

export class CiStatusPublisher {
  private status: GerritCiStatus = { state: 'pending', at: null, error: null, last: null };
  private timer: NodeJS.Timeout | undefined;
  private publishing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: CiStatusPublisherOptions) {}

  current(): GerritCiStatus {
    return this.status;
  }

  start(): void {
    this.tick();
  }

  private tick(): void {
    if (this.stopped || this.status.state === 'not-permitted') return;
    this.publishing = this.publish().finally(() => {
      this.publishing = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
    });
  }

  private count(state: 'Running' | 'Initializing'): number {
    return this.options.store.listTasks({ type: 'Integration', state, max: 1 }).total;
  }

  /** One update; what Gerrit answered becomes the status. */
  async publish(): Promise<void> {
    const { client, log, name } = this.options;
    const entry = ciStatusOf(name, this.count('Running'), this.count('Initializing'));
    const at = new Date().toISOString();
    try {
      await client.ciStatusUpdate([entry]);
      this.status = { state: 'published', at, error: null, last: entry };
    } catch (error) {
      const said = gerritErrorText(error);
      const refused = error instanceof GerritCommandError && /not permitted/i.test(said);
      this.status = { state: refused ? 'not-permitted' : 'failing', at, error: said, last: entry };
      if (refused)
        log.warn(
          { err: said },
          `gerrit: Gerrit refused ci-status-update (${said}): give the account the plugin's ciStatusUpdate capability to publish Coin's load`,
        );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.publishing;
  }
}
