/**
 * Removing a VM as OpenNebula really behaves (protocol-facts.md): `one.vm.action terminate-hard`
 * only starts the removal (the VM then passes SHUTDOWN and EPILOG before DONE), and it is refused
 * with ACTION while the VM is in a transient ACTIVE state (PROLOG, BOOT, EPILOG, hotplug, ...).
 * So the VM's state is read until it is DONE or gone: terminate-hard is sent whenever the state
 * accepts it and the VM is not already going down, and a refused one waits for the next state.
 * `one.vm.recover` is never used: it is an ADMIN operation an ordinary account does not have.
 */
import { parseVm } from '../../../core/opennebula/one-pools';
import {
  lcmStates,
  oneErrorCodes,
  terminateAccepted,
  vmStateLabel,
  vmStates,
} from '../../../core/opennebula/one-states';
import { OneError, type OneClient } from './one-client';

export interface VmRemovalOptions {
  /** Give up after this long (ms): the VM is then left for the next cleanup. */
  timeoutMs: number;
  /** The first wait between two reads of the state; it doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
}

/** A VM that was not DONE in time: one line saying where it stayed. */
export class VmRemovalTimeout extends Error {
  constructor(vmId: number, label: string, seconds: number) {
    super(
      `VM ${vmId} is still ${label} ${seconds} s after Coin asked OpenNebula to terminate it; it is removed at the next cleanup, or by OpenNebula's operator`,
    );
    this.name = 'VmRemovalTimeout';
  }
}

/** The state of VM `vmId`, or null when OpenNebula no longer knows it. */
async function vmState(client: OneClient, vmId: number): Promise<{ state: number; lcmState: number } | null> {
  try {
    const vm = parseVm(await client.vmInfo(vmId));
    return { state: vm.state, lcmState: vm.lcmState };
  } catch (error) {
    if (error instanceof OneError && error.code === oneErrorCodes.NO_EXISTS) return null;
    throw error;
  }
}

/** The VM is on its way to DONE already: another terminate-hard would only restart its shutdown. */
function goingDown(state: number, lcmState: number): boolean {
  return state === vmStates.ACTIVE && (lcmState === lcmStates.SHUTDOWN || lcmState === lcmStates.EPILOG);
}

/** Send terminate-hard; a refusal (the state changed since it was read) waits for the next read. */
async function terminateHard(client: OneClient, vmId: number): Promise<void> {
  try {
    await client.vmAction('terminate-hard', vmId);
  } catch (error) {
    const code = error instanceof OneError ? error.code : null;
    if (code !== oneErrorCodes.ACTION && code !== oneErrorCodes.NO_EXISTS) throw error;
  }
}

/** Terminate VM `vmId` and resolve once it is DONE or gone; throws VmRemovalTimeout past the deadline. */
export async function removeVm(client: OneClient, vmId: number, options: VmRemovalOptions): Promise<void> {
  const started = Date.now();
  const maxPollMs = options.maxPollMs ?? 2000;
  let pollMs = options.pollMs ?? 100;
  for (;;) {
    const current = await vmState(client, vmId);
    if (!current || current.state === vmStates.DONE) return;
    const label = vmStateLabel(current.state, current.lcmState);
    if (
      !goingDown(current.state, current.lcmState) &&
      terminateAccepted(current.state, current.lcmState, true)
    )
      await terminateHard(client, vmId);
    if (Date.now() - started >= options.timeoutMs)
      throw new VmRemovalTimeout(vmId, label, Math.round((Date.now() - started) / 1000));
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    pollMs = Math.min(pollMs * 2, maxPollMs);
  }
}
