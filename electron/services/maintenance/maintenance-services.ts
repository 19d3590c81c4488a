/**
 * The Maintenance area's DeskApi methods (maintenance-contract.ts): the daily monitoring checks,
 * garbage collection, artifact invalidation and the update procedure of a profile's instance, on
 * top of the Instances services' session of that profile (its host, service controller and coin
 * CLI). Updates run in the background, one at a time per profile (update-runs.ts), followed by the
 * post-update watch; their state is kept on disk until the next update of that profile starts.
 */
import type { DeskApi } from '../../common/desk-api';
import type { MaintenanceMethod, UpdateStep } from '../../common/maintenance-contract';
import type { InstanceServices } from '../instances/instance-services';
import { collectGarbage, invalidateArtifacts } from './coin-artifacts';
import { readHealthHistory } from './health-history';
import { runMaintenanceChecks } from './maintenance-checks';
import { coinDirOf, readUpdatePlan } from './update-plan';
import { updateRecordsDir } from './update-record';
import { UpdateRuns } from './update-runs';

/** What the maintenance services use. */
export interface MaintenanceServicesOptions {
  instances: Pick<InstanceServices, 'session' | 'dataDir'>;
  /** Where each profile's last update is kept (update-record.ts; default the instances' data directory). */
  dataDir?: string;
  /** Time between the post-update watch's polls (default 5 s). */
  watchPollMs?: number;
  /** Called before each update step starts (tests change the world at a known moment with it). */
  beforeUpdateStep?(profileId: string, step: UpdateStep['id']): void | Promise<void>;
}

/** The methods and a way to wait for updates in flight. */
export interface MaintenanceServices {
  api: Pick<DeskApi, MaintenanceMethod>;
  /** Resolves once no update runs (a test waits for the end of a run). */
  idle(): Promise<void>;
  /** Waits for the runs and ends the watches' polling (the app quits; they go on at its next start). */
  close(): Promise<void>;
}

/** Create the Maintenance services. */
export function createMaintenanceServices(options: MaintenanceServicesOptions): MaintenanceServices {
  const { instances } = options;
  const updates = new UpdateRuns({
    instances,
    recordsDir: updateRecordsDir(options.dataDir ?? instances.dataDir),
    beforeUpdateStep: options.beforeUpdateStep,
    watchPollMs: options.watchPollMs,
  });
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
      maintenanceUpdateStart: ({ profileId, target, watchMinutes }) =>
        updates.start(profileId, target, watchMinutes),
      maintenanceUpdateProgress: ({ profileId }) => updates.progress(profileId),
      maintenanceUpdateContinue: ({ profileId }) => updates.continue(profileId),
      maintenanceUpdateRollback: ({ profileId, watchMinutes }) => updates.rollback(profileId, watchMinutes),
      maintenanceUpdateWatch: async ({ profileId }) => ({ watch: await updates.watch(profileId) }),
      maintenanceUpdateWatchStop: async ({ profileId }) => ({ watch: await updates.stopWatch(profileId) }),
      maintenanceHealthHistory: async ({ profileId }) =>
        readHealthHistory(await instances.session(profileId)),
    },
    idle: () => updates.idle(),
    close: () => updates.close(),
  };
}
