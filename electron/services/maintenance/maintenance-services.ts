/**
 * The Maintenance area's DeskApi methods (maintenance-contract.ts): the daily monitoring checks,
 * garbage collection, artifact invalidation and the update procedure of a profile's instance, on
 * top of the Instances services' session of that profile (its host, service controller and coin
 * CLI). Updates run in the background, one at a time per profile; their progress stays readable
 * until the next update of that profile starts.
 */
import { DeskError, type DeskApi } from '../../common/desk-api';
import type { MaintenanceMethod, UpdateProgress, UpdateStep } from '../../common/maintenance-contract';
import type { InstanceServices } from '../instances/instance-services';
import { collectGarbage, invalidateArtifacts } from './coin-artifacts';
import { readHealthHistory } from './health-history';
import { runMaintenanceChecks } from './maintenance-checks';
import { idleProgress, UpdateRun } from './update-procedure';
import { coinDirOf, readUpdatePlan } from './update-plan';

/** What the maintenance services use. */
export interface MaintenanceServicesOptions {
  instances: Pick<InstanceServices, 'session'>;
  /** Called before each update step starts (tests change the world at a known moment with it). */
  beforeUpdateStep?(profileId: string, step: UpdateStep['id']): void | Promise<void>;
}

/** The methods and a way to wait for updates in flight. */
export interface MaintenanceServices {
  api: Pick<DeskApi, MaintenanceMethod>;
  /** Resolves once no update runs (the app quits, a test ends). */
  idle(): Promise<void>;
}

/** Create the Maintenance services. */
export function createMaintenanceServices(options: MaintenanceServicesOptions): MaintenanceServices {
  const { instances } = options;
  const updates = new Updates(options);
  return {
    api: {
      maintenanceChecks: async ({ profileId }) => runMaintenanceChecks(await instances.session(profileId)),
      maintenanceGc: async ({ profileId, ...request }) =>
        collectGarbage(await instances.session(profileId), request),
      async maintenanceInvalidate({ profileId }) {
        return { epoch: await invalidateArtifacts(await instances.session(profileId)) };
      },
      async maintenanceUpdatePlan({ profileId }) {
        const session = await instances.session(profileId);
        return readUpdatePlan(session.host, coinDirOf(session.profile), updates.runningSince(profileId));
      },
      maintenanceUpdateStart: ({ profileId, target }) => updates.start(profileId, target),
      maintenanceUpdateProgress: async ({ profileId }) => updates.progress(profileId),
      maintenanceHealthHistory: async ({ profileId }) =>
        readHealthHistory(await instances.session(profileId)),
    },
    idle: () => updates.idle(),
  };
}

/** The update runs, the latest one per profile. */
class Updates {
  private readonly runs = new Map<string, { run: UpdateRun; finished: Promise<void> }>();
  // Profiles between the start request and their run (the plan is being read again).
  private readonly starting = new Set<string>();

  constructor(private readonly options: MaintenanceServicesOptions) {}

  /** When the profile's running update started, or null. */
  runningSince(profileId: string): string | null {
    const run = this.runs.get(profileId)?.run;
    if (run?.running) return run.snapshot().startedAt;
    return this.starting.has(profileId) ? new Date().toISOString() : null;
  }

  progress(profileId: string): UpdateProgress {
    return this.runs.get(profileId)?.run.snapshot() ?? idleProgress(profileId);
  }

  /**
   * Reads the plan again (fetching), refuses when the upstream moved from the reviewed target or
   * something blocks, then starts the run and resolves to its first progress.
   */
  async start(profileId: string, target: string): Promise<UpdateProgress> {
    if (this.runningSince(profileId))
      throw new DeskError('bad-input', 'an update of this instance is already running: follow its progress');
    this.starting.add(profileId);
    try {
      const { instances } = this.options;
      const session = await instances.session(profileId);
      const coinDir = coinDirOf(session.profile);
      const plan = await readUpdatePlan(session.host, coinDir, null);
      if (plan.target !== target)
        throw new DeskError(
          'bad-input',
          `the upstream moved since the plan you reviewed: ${plan.upstream ?? 'the upstream'} is now at ${plan.target?.slice(0, 12) ?? 'nothing'}, not ${target.slice(0, 12)}; read the plan again`,
        );
      if (plan.blockers.length)
        throw new DeskError('bad-input', `the update cannot run: ${plan.blockers.join('; ')}`);
      const run = new UpdateRun(
        profileId,
        { coinDir, from: plan.head, to: target },
        {
          session: () => instances.session(profileId),
          beforeStep: (step) => this.options.beforeUpdateStep?.(profileId, step),
        },
      );
      this.runs.set(profileId, { run, finished: run.run() });
      return run.snapshot();
    } finally {
      this.starting.delete(profileId);
    }
  }

  async idle(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.finished));
  }
}
