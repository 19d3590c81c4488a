/** The IPC channel of the Diagnose action (diagnose-contract.ts has its schemas). Names only. */
export const diagnoseChannels = {
  instanceDiagnose: 'diagnose:run',
} as const;
