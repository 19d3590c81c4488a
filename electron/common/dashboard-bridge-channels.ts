/**
 * The IPC channels of the in-window dashboard's DeskApi methods (dashboard-bridge-contract.ts has
 * their schemas). Names only, so the sandboxed preload bundles no schema.
 */
export const dashboardBridgeChannels = {
  dashboardTargets: 'dashboard:targets',
  dashboardGet: 'dashboard:get',
  dashboardControl: 'dashboard:control',
  dashboardEventsOpen: 'dashboard:events-open',
  dashboardEventsNext: 'dashboard:events-next',
  dashboardEventsSend: 'dashboard:events-send',
  dashboardEventsClose: 'dashboard:events-close',
} as const;
