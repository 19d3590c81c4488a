/**
 * The instance's own health checks: run every `intervalMinutes` from the instance's start (the
 * first run shortly after it begins), and on request (`coin health`, the app); every run is stored
 * in its database (health-table.ts), so the history exists whether anybody looked or not.
 */
import {
  healthCheck,
  judgeAgents,
  judgeDisk,
  judgeLatestResults,
  judgeOpenNebulaHosts,
  judgeWebServers,
  recentFinished,
  worstStatus,
  type HealthCheck,
} from '../../core/health-checks';
import type { Hypervisor } from '../../core/hypervisor';
import type { SqliteStore } from '../store/sqlite-store';
import type { HealthRunRecord } from '../store/health-table';
import { askWebServer, openNebulaFacts, resultsFacts } from './health-probes';

/** Minutes between scheduled runs unless `coin run --health-interval` says otherwise. */
export const defaultHealthIntervalMinutes = 60;

/** The first scheduled run comes this long after the instance begins (its start settles first). */
export const firstRunDelayMs = 5_000;

/** How the instance runs its checks. */
export interface HealthOptions {
  /** 0: no schedule (runs on request only). */
  intervalMinutes: number;
  webServers: readonly string[];
}

export interface HealthMonitorDeps {
  store: SqliteStore;
  hypervisor: Hypervisor;
  /** Where OpenNebula answers (for the sentence), when it is the hypervisor. */
  hypervisorEndpoint: string;
  /** Disk figures of the working directory and the GC threshold. */
  storage(): Promise<{ freeBytes: number; totalBytes: number; gcMinFreeBytes: number }>;
  options: HealthOptions;
  log: { warn(message: string): void };
  now?: () => number;
}

/** Runs, stores and schedules the health checks of one instance. */
export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<HealthRunRecord> | undefined;
  private nextAt: number | null = null;

  constructor(private readonly deps: HealthMonitorDeps) {}

  /** Minutes between scheduled runs (0: off). */
  get intervalMinutes(): number {
    return this.deps.options.intervalMinutes;
  }

  /** When the next scheduled run is due (null when the schedule is off or stopped). */
  get nextRunAt(): string | null {
    return this.nextAt === null ? null : new Date(this.nextAt).toISOString();
  }

  /** Start the schedule: a first run soon, then one every interval. */
  start(): void {
    if (this.deps.options.intervalMinutes <= 0) return;
    this.arm(firstRunDelayMs);
  }

  /** Stop the schedule and wait for a run under way. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = null;
    await this.running?.catch(() => undefined);
  }

  /** Run the checks now (or join the run under way) and store the run. */
  run(trigger: HealthRunRecord['trigger']): Promise<HealthRunRecord> {
    this.running ??= this.runOnce(trigger).finally(() => (this.running = undefined));
    return this.running;
  }

  private arm(delayMs: number): void {
    this.nextAt = this.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run('schedule')
        .catch((error: unknown) => this.deps.log.warn(`health checks failed: ${(error as Error).message}`))
        .finally(() => {
          if (this.nextAt !== null) this.arm(this.deps.options.intervalMinutes * 60_000);
        });
    }, delayMs);
    this.timer.unref();
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private async runOnce(trigger: HealthRunRecord['trigger']): Promise<HealthRunRecord> {
    const started = this.now();
    const checks = await this.checks(started);
    return this.deps.store.health.record({
      checkedAt: new Date(started).toISOString(),
      trigger,
      overall: worstStatus(checks.map((c) => c.status)),
      ms: Math.round(this.now() - started),
      checks,
    });
  }

  private async checks(now: number): Promise<HealthCheck[]> {
    const { store, hypervisor, hypervisorEndpoint, options } = this.deps;
    const [disk, hosts, answers] = await Promise.all([
      this.deps.storage().then(
        (s) => judgeDisk({ ...s, thresholdSource: "the instance's --gc-min-free-gb" }),
        (error: unknown) => healthCheck('disk', 'fail', `could not be checked: ${(error as Error).message}`),
      ),
      openNebulaFacts(hypervisor, hypervisorEndpoint).then(judgeOpenNebulaHosts),
      Promise.all(options.webServers.map((url) => askWebServer(url))),
    ]);
    return [
      disk,
      judgeAgents(store.listAgents()),
      judgeLatestResults(resultsFacts(store, now, recentFinished)),
      hosts,
      judgeWebServers(answers),
    ];
  }
}
