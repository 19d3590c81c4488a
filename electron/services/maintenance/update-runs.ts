/**
 * The update runs of the app's profiles, one at a time per profile, and what follows them: the
 * post-update watch once a run restarted the instance, a rollback to the previous revision with
 * the update's own steps (update-steps.ts, backwards in revisions), and the state of each on disk
 * (update-record.ts) after every step and poll. At start, the kept state is read again: a run the
 * app stopped during is reported interrupted at the step it reached (Continue or Roll back), and
 * a watch whose period has not ended goes on.
 */
import { DeskError } from '../../common/desk-api';
import type { UpdateProgress, UpdateStep } from '../../common/maintenance-contract';
import { defaultWatchMinutes, type PostUpdateWatch as WatchState } from '../../common/post-update-contract';
import type { InstanceServices } from '../instances/instance-services';
import { runningTaskIds } from './post-update-signals';
import { initialWatch } from './post-update-verdict';
import { PostUpdateWatch } from './post-update-watch';
import { coinDirOf, readUpdatePlan } from './update-plan';
import { idleProgress, UpdateRun } from './update-procedure';
import { interruptedProgress, UpdateRecords, type UpdateRecord } from './update-record';
import type { UpdateTarget } from './update-steps';

/** What the runs use. */
export interface UpdateRunsOptions {
  instances: Pick<InstanceServices, 'session'>;
  /** Where the state is kept (`<dataDir>/updates`). */
  recordsDir: string;
  beforeUpdateStep?(profileId: string, step: UpdateStep['id']): void | Promise<void>;
  /** Time between the watch's polls (default 5 s). */
  watchPollMs?: number;
}

export class UpdateRuns {
  private readonly runs = new Map<string, { run: UpdateRun; finished: Promise<void> }>();
  private readonly watches = new Map<string, PostUpdateWatch>();
  private readonly records: UpdateRecords;
  private readonly kept = new Map<string, UpdateRecord>();
  // Profiles between a start request and their run (the plan is being read again).
  private readonly starting = new Set<string>();
  /** Resolves once the kept state was read again (every method waits for it). */
  readonly ready: Promise<void>;

  constructor(private readonly options: UpdateRunsOptions) {
    this.records = new UpdateRecords(options.recordsDir);
    this.ready = this.resume();
  }

  /** When the profile's running update started, or null. */
  runningSince(profileId: string): string | null {
    const run = this.runs.get(profileId)?.run;
    if (run?.running) return run.snapshot().startedAt;
    return this.starting.has(profileId) ? new Date().toISOString() : null;
  }

  async progress(profileId: string): Promise<UpdateProgress> {
    await this.ready;
    const run = this.runs.get(profileId)?.run;
    return run?.snapshot() ?? this.kept.get(profileId)?.progress ?? idleProgress(profileId);
  }

  async watch(profileId: string): Promise<WatchState | null> {
    await this.ready;
    return this.watches.get(profileId)?.snapshot() ?? this.kept.get(profileId)?.watch ?? null;
  }

  async stopWatch(profileId: string): Promise<WatchState | null> {
    await this.ready;
    const watch = this.watches.get(profileId);
    return watch ? watch.stop() : (this.kept.get(profileId)?.watch ?? null);
  }

  /**
   * Reads the plan again (fetching), refuses when the upstream moved from the reviewed target or
   * something blocks, then starts the run and resolves to its first progress.
   */
  async start(profileId: string, target: string, watchMinutes?: number): Promise<UpdateProgress> {
    await this.ready;
    return this.exclusive(profileId, async () => {
      const session = await this.options.instances.session(profileId);
      const coinDir = coinDirOf(session.profile);
      const plan = await readUpdatePlan(session.host, coinDir, null);
      if (plan.target !== target)
        throw new DeskError(
          'bad-input',
          `the upstream moved since the plan you reviewed: ${plan.upstream ?? 'the upstream'} is now at ${plan.target?.slice(0, 12) ?? 'nothing'}, not ${target.slice(0, 12)}; read the plan again`,
        );
      if (plan.blockers.length)
        throw new DeskError('bad-input', `the update cannot run: ${plan.blockers.join('; ')}`);
      return this.launch(
        profileId,
        { coinDir, from: plan.head, to: target, direction: 'forward' },
        watchMinutes,
      );
    });
  }

  /** Rolls the last update back to the revision before it (its steps, backwards in revisions). */
  async rollback(profileId: string, watchMinutes?: number): Promise<UpdateProgress> {
    await this.ready;
    return this.exclusive(profileId, async () => {
      const record = this.kept.get(profileId);
      const { progress } = record ?? { progress: idleProgress(profileId) };
      if (!record || !progress.canRollback || !progress.from || !progress.to)
        throw new DeskError(
          'bad-input',
          'there is no update to roll back: a rollback returns to the revision before an update that moved the code',
        );
      const target: UpdateTarget = {
        coinDir: record.coinDir,
        from: progress.to,
        to: progress.from,
        direction: 'back',
      };
      return this.launch(profileId, target, watchMinutes ?? record.watchMinutes);
    });
  }

  /** Runs an interrupted update or rollback again from the step it reached. */
  async continue(profileId: string): Promise<UpdateProgress> {
    await this.ready;
    return this.exclusive(profileId, async () => {
      const record = this.kept.get(profileId);
      if (record?.progress.state !== 'interrupted' || !record.progress.from || !record.progress.to)
        throw new DeskError('bad-input', 'no interrupted update of this instance to continue');
      const { from, to, kind } = record.progress;
      const target: UpdateTarget = {
        coinDir: record.coinDir,
        from,
        to,
        direction: kind === 'rollback' ? 'back' : 'forward',
      };
      return this.begin(profileId, target, record, record.progress);
    });
  }

  /** Resolves once no update runs (a test waits for the end of a run with it). */
  async idle(): Promise<void> {
    await this.ready.catch(() => undefined);
    await Promise.all([...this.runs.values()].map((r) => r.finished));
  }

  /** Waits for the runs, then ends the watches' polling without a last state (they go on at the next start). */
  async close(): Promise<void> {
    await this.idle();
    await Promise.all([...this.watches.values()].map((w) => w.detach()));
  }

  private async exclusive<T>(profileId: string, work: () => Promise<T>): Promise<T> {
    if (this.runningSince(profileId))
      throw new DeskError('bad-input', 'an update of this instance is already running: follow its progress');
    this.starting.add(profileId);
    try {
      return await work();
    } finally {
      this.starting.delete(profileId);
    }
  }

  /** A new run: the tasks it will interrupt are noted first, the watch of the last run ends. */
  private async launch(profileId: string, target: UpdateTarget, watchMinutes = defaultWatchMinutes) {
    await this.watches.get(profileId)?.stop();
    this.watches.delete(profileId);
    const session = await this.options.instances.session(profileId);
    const interruptedTasks = await runningTaskIds(session).catch(() => []);
    const record: UpdateRecord = {
      version: 1,
      coinDir: target.coinDir,
      progress: idleProgress(profileId),
      watchMinutes,
      interruptedTasks,
      agentsSeenRunning: [],
      watch: null,
    };
    return this.begin(profileId, target, record, undefined);
  }

  private async begin(
    profileId: string,
    target: UpdateTarget,
    record: UpdateRecord,
    resumed: UpdateProgress | undefined,
  ): Promise<UpdateProgress> {
    const run = new UpdateRun(
      profileId,
      target,
      {
        session: () => this.options.instances.session(profileId),
        beforeStep: (step) => this.options.beforeUpdateStep?.(profileId, step),
        changed: (progress) => this.keep({ ...record, progress }),
      },
      resumed,
    );
    record.progress = run.snapshot();
    await this.keep(record);
    const finished = run.run().then(async () => {
      const progress = run.snapshot();
      if (progress.state === 'done')
        await this.watchAfter(this.kept.get(profileId) ?? { ...record, progress });
    });
    this.runs.set(profileId, { run, finished });
    return run.snapshot();
  }

  /**
   * Starts the watch of a run that ended done, from its restart: when the Start step began, so
   * that what the new revision logs while it starts counts.
   */
  private async watchAfter(record: UpdateRecord): Promise<void> {
    const { progress } = record;
    const restartedAt = progress.steps.find((s) => s.id === 'start')?.startedAt ?? progress.finishedAt;
    if (!restartedAt || !progress.to) return;
    const watch = initialWatch({
      profileId: progress.profileId,
      revision: progress.to,
      kind: progress.kind,
      restartedAt,
      periodMinutes: record.watchMinutes,
    });
    await this.keep({ ...record, watch, agentsSeenRunning: [] });
    this.follow({ ...record, watch, agentsSeenRunning: [] });
  }

  private follow(record: UpdateRecord): void {
    const profileId = record.progress.profileId;
    if (!record.watch || record.watch.state !== 'polling') return;
    const watch = new PostUpdateWatch(record.watch, record.interruptedTasks, record.agentsSeenRunning, {
      session: () => this.options.instances.session(profileId),
      changed: (state, seen) => {
        const kept = this.kept.get(profileId) ?? record;
        return this.keep({ ...kept, watch: state, agentsSeenRunning: [...seen] });
      },
      pollMs: this.options.watchPollMs,
    });
    this.watches.set(profileId, watch);
  }

  private async keep(record: UpdateRecord): Promise<void> {
    this.kept.set(record.progress.profileId, record);
    await this.records.write(record);
  }

  /** The state kept by the app's last run: interrupted runs told so, unfinished watches resumed. */
  private async resume(): Promise<void> {
    for (const profileId of await this.records.profiles()) {
      const record = await this.records.read(profileId).catch((error: Error) => {
        console.warn(`the kept state of ${profileId}'s last update is unreadable: ${error.message}`);
        return null;
      });
      if (!record) continue;
      if (record.progress.state === 'running') {
        await this.keep({ ...record, progress: interruptedProgress(record.progress) });
        continue;
      }
      this.kept.set(profileId, record);
      if (record.progress.state === 'done' && !record.watch) await this.watchAfter(record);
      else this.follow(record);
    }
  }
}
