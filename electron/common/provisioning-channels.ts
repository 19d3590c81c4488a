/** The IPC channels of the Maintenance area's provisioning (provisioning-contract.ts has their schemas). Names only. */
export const provisioningChannels = {
  provisioningStatus: 'provisioning:status',
  provisioningStart: 'provisioning:start',
  provisioningRollback: 'provisioning:rollback',
  provisioningProgress: 'provisioning:progress',
} as const;
