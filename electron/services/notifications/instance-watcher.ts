/**
 * Follows the pinned and watched instances: every few seconds it reads their state (a profile's
 * status at a glance, a hosted runner's state and latest tasks), hands the pinned one to the tray
 * and the changes to the notification decisions. Plain Node; the Electron glue only draws.
 */
import type { DeskApi } from '../../common/desk-api';
import type { LocalRunnerState, WatchSettings, WatchTarget } from '../../common/local-runner-contract';
import { decideNotifications, NotificationLedger, type DeskNotification } from './notification-decisions';
import { trayStateOf, type TrayState } from './tray-state';
import {
  unreadableProfile,
  watchedProfile,
  watchedRunner,
  type WatchedInstance,
  type WatchedTask,
} from './watched-instance';

/** Where the watcher reads from. */
export interface WatcherSources {
  api: Pick<DeskApi, 'profilesList' | 'instanceStatus' | 'watchRead'>;
  /** Runners this app hosts, and the state of any directory's runner. */
  runners: { list(): LocalRunnerState[]; status(dir: string): LocalRunnerState };
  /** The latest tasks of a running local runner. */
  runnerTasks(workingDir: string): Promise<WatchedTask[]>;
}

/** What the watcher reports to. */
export interface WatcherOutputs {
  tray(state: TrayState): void;
  notify(notification: DeskNotification): void;
}

/** The key a target has in snapshots. */
export function targetKey(target: WatchTarget): string {
  return target.kind === 'profile' ? `profile:${target.profileId}` : `local-runner:${target.workingDir}`;
}

/** Polls the watched instances and reports tray states and notifications. */
export class InstanceWatcher {
  private previous = new Map<string, WatchedInstance>();
  private readonly ledger = new NotificationLedger();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly sources: WatcherSources,
    private readonly outputs: WatcherOutputs,
    private readonly intervalMs = 10_000,
  ) {}

  /** Poll now and then every interval. */
  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref?.();
  }

  /** Stop polling; resolves after a poll under way has finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One round: read, decide, report. Never rejects (a failing source is a state, not an error). */
  poll(): Promise<void> {
    this.polling ??= this.round()
      .catch(() => undefined)
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async round(): Promise<void> {
    const settings = await this.sources.api.watchRead({});
    const snapshot = await this.gather(settings);
    const pinned = settings.pinned ? (snapshot.get(targetKey(settings.pinned)) ?? null) : null;
    this.outputs.tray(trayStateOf(pinned));
    const news = decideNotifications(this.previous, [...snapshot.values()], this.ledger);
    this.previous = snapshot;
    if (settings.notifications) for (const notification of news) this.outputs.notify(notification);
  }

  private async gather(settings: WatchSettings): Promise<Map<string, WatchedInstance>> {
    const profileIds = new Set(settings.watchedProfiles);
    if (settings.pinned?.kind === 'profile') profileIds.add(settings.pinned.profileId);
    const runners = new Map(this.sources.runners.list().map((r) => [r.workingDir, r]));
    if (settings.pinned?.kind === 'local-runner' && !runners.has(settings.pinned.workingDir))
      runners.set(settings.pinned.workingDir, this.sources.runners.status(settings.pinned.workingDir));
    const watched = await Promise.all([
      ...(await this.profiles([...profileIds])),
      ...[...runners.values()].map((r) => this.runner(r)),
    ]);
    return new Map(watched.map((w) => [w.key, w]));
  }

  private async profiles(ids: string[]): Promise<Promise<WatchedInstance>[]> {
    if (ids.length === 0) return [];
    const { profiles } = await this.sources.api.profilesList({});
    const names = new Map(profiles.map((p) => [p.id, p.name]));
    return ids
      .filter((id) => names.has(id))
      .map((id) =>
        this.sources.api.instanceStatus({ profileId: id }).then(
          (status) => watchedProfile(id, names.get(id)!, status),
          (error: Error) => unreadableProfile(id, names.get(id)!, error.message),
        ),
      );
  }

  private async runner(runner: LocalRunnerState): Promise<WatchedInstance> {
    const tasks =
      runner.phase === 'running' ? await this.sources.runnerTasks(runner.workingDir).catch(() => null) : null;
    return watchedRunner(runner, tasks);
  }
}
