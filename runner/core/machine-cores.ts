/**
 * A module's `machine_type` (cores per phase, e.g. `Build: {cores: 8}`) on the agent that runs
 * the work item: NumCPU is what the agent can give, commands are held to the cores asked for where
 * the machine has more (CPU affinity, so `nproc` and build tools see that many), and a machine with
 * fewer says so instead of pretending.
 */

export interface CoreGrant {
  /** What `{{.NumCPU}}` renders to. */
  readonly numCpu: number;
  /** CPUs the commands may run on (a `taskset -c` list such as `0-3`), or null for all. */
  readonly cpuList: string | null;
  /** A line for the work item's log when the grant differs from what was asked, else null. */
  readonly note: string | null;
}

/**
 * `requested` cores (null: no machine_type for the phase) on a machine with `available` CPUs;
 * `canPin` says whether commands can be held to fewer CPUs here (Linux with taskset).
 */
export function grantCores(requested: number | null, available: number, canPin: boolean): CoreGrant {
  if (requested === null || requested === available) return { numCpu: available, cpuList: null, note: null };
  if (requested > available) {
    return {
      numCpu: available,
      cpuList: null,
      note: `machine_type asks for ${requested} cores; this machine has ${available}: running with ${available}`,
    };
  }
  const cpuList = canPin ? (requested === 1 ? '0' : `0-${requested - 1}`) : null;
  const where = cpuList ? `commands run on CPUs ${cpuList}` : 'commands are not pinned (no taskset here)';
  return {
    numCpu: requested,
    cpuList,
    note: `machine_type asks for ${requested} of this machine's ${available} cores: NumCPU is ${requested}, ${where}`,
  };
}
