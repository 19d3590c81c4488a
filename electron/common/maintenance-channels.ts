/**
 * The IPC channels of the Maintenance area's DeskApi methods (maintenance-contract.ts has their
 * schemas). Names only, so the sandboxed preload bundles no schema.
 */
export const maintenanceChannels = {
  maintenanceChecks: 'maintenance:checks',
  maintenanceGc: 'maintenance:gc',
  maintenanceInvalidate: 'maintenance:invalidate',
  maintenanceUpdatePlan: 'maintenance:update-plan',
  maintenanceUpdateStart: 'maintenance:update-start',
  maintenanceUpdateProgress: 'maintenance:update-progress',
  maintenanceUpdateContinue: 'maintenance:update-continue',
  maintenanceUpdateRollback: 'maintenance:update-rollback',
  maintenanceUpdateWatch: 'maintenance:update-watch',
  maintenanceUpdateWatchStop: 'maintenance:update-watch-stop',
  maintenanceHealthHistory: 'maintenance:health-history',
} as const;
