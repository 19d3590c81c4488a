/**
 * OpenNebula's numeric states and error codes as named tables (its VirtualMachine and Host
 * definitions, and the XML-RPC API reference), and what Coin makes of them: whether a VM is still
 * on its way, running, failed or gone, and how a host shows in the Hosts view. Pure.
 */
import type { HypervisorHost } from '../hypervisor';

/** Error codes of the third element of a failed response (`[false, message, code]`). */
export const oneErrorCodes = {
  AUTHENTICATION: 0x0100,
  AUTHORIZATION: 0x0200,
  NO_EXISTS: 0x0400,
  ACTION: 0x0800,
  XML_RPC_API: 0x1000,
  INTERNAL: 0x2000,
  ALLOCATE: 0x4000,
  LOCKED: 0x8000,
} as const;

export type OneErrorName = keyof typeof oneErrorCodes;

/** The name of an error code (`AUTHENTICATION`), or `0x....` for one outside the table. */
export function oneErrorName(code: number): OneErrorName | string {
  const found = (Object.keys(oneErrorCodes) as OneErrorName[]).find((n) => oneErrorCodes[n] === code);
  return found ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** VM STATE. */
export const vmStates = {
  INIT: 0,
  PENDING: 1,
  HOLD: 2,
  ACTIVE: 3,
  STOPPED: 4,
  SUSPENDED: 5,
  DONE: 6,
  POWEROFF: 8,
  UNDEPLOYED: 9,
  CLONING: 10,
  CLONING_FAILURE: 11,
} as const;

/** VM LCM_STATE (meaningful while STATE is ACTIVE), index = value; 13 and 14 are retired. */
export const lcmStateNames: readonly string[] = [
  'LCM_INIT',
  'PROLOG',
  'BOOT',
  'RUNNING',
  'MIGRATE',
  'SAVE_STOP',
  'SAVE_SUSPEND',
  'SAVE_MIGRATE',
  'PROLOG_MIGRATE',
  'PROLOG_RESUME',
  'EPILOG_STOP',
  'EPILOG',
  'SHUTDOWN',
  'CANCEL',
  'FAILURE',
  'CLEANUP_RESUBMIT',
  'UNKNOWN',
  'HOTPLUG',
  'SHUTDOWN_POWEROFF',
  'BOOT_UNKNOWN',
  'BOOT_POWEROFF',
  'BOOT_SUSPENDED',
  'BOOT_STOPPED',
  'CLEANUP_DELETE',
  'HOTPLUG_SNAPSHOT',
  'HOTPLUG_NIC',
  'HOTPLUG_SAVEAS',
  'HOTPLUG_SAVEAS_POWEROFF',
  'HOTPLUG_SAVEAS_SUSPENDED',
  'SHUTDOWN_UNDEPLOY',
  'EPILOG_UNDEPLOY',
  'PROLOG_UNDEPLOY',
  'BOOT_UNDEPLOY',
  'HOTPLUG_PROLOG_POWEROFF',
  'HOTPLUG_EPILOG_POWEROFF',
  'BOOT_MIGRATE',
  'BOOT_FAILURE',
  'BOOT_MIGRATE_FAILURE',
  'PROLOG_MIGRATE_FAILURE',
  'PROLOG_FAILURE',
  'EPILOG_FAILURE',
  'EPILOG_STOP_FAILURE',
  'EPILOG_UNDEPLOY_FAILURE',
  'PROLOG_MIGRATE_POWEROFF',
  'PROLOG_MIGRATE_POWEROFF_FAILURE',
  'PROLOG_MIGRATE_SUSPEND',
  'PROLOG_MIGRATE_SUSPEND_FAILURE',
  'BOOT_UNDEPLOY_FAILURE',
  'BOOT_STOPPED_FAILURE',
  'PROLOG_RESUME_FAILURE',
  'PROLOG_UNDEPLOY_FAILURE',
  'DISK_SNAPSHOT_POWEROFF',
  'DISK_SNAPSHOT_REVERT_POWEROFF',
  'DISK_SNAPSHOT_DELETE_POWEROFF',
  'DISK_SNAPSHOT_SUSPENDED',
  'DISK_SNAPSHOT_REVERT_SUSPENDED',
  'DISK_SNAPSHOT_DELETE_SUSPENDED',
  'DISK_SNAPSHOT',
  'DISK_SNAPSHOT_REVERT',
  'DISK_SNAPSHOT_DELETE',
  'PROLOG_MIGRATE_UNKNOWN',
  'PROLOG_MIGRATE_UNKNOWN_FAILURE',
  'DISK_RESIZE',
  'DISK_RESIZE_POWEROFF',
  'DISK_RESIZE_UNDEPLOYED',
  'HOTPLUG_NIC_POWEROFF',
  'HOTPLUG_RESIZE',
  'HOTPLUG_SAVEAS_UNDEPLOYED',
  'HOTPLUG_SAVEAS_STOPPED',
  'BACKUP',
  'BACKUP_POWEROFF',
  'RESTORE',
];

/** LCM_STATE values by name. */
export const lcmStates = {
  LCM_INIT: 0,
  PROLOG: 1,
  BOOT: 2,
  RUNNING: 3,
  EPILOG: 11,
  SHUTDOWN: 12,
  UNKNOWN: 16,
  BOOT_FAILURE: 36,
  PROLOG_FAILURE: 39,
} as const;

/** True for an LCM state whose name ends in _FAILURE (BOOT_FAILURE 36, PROLOG_FAILURE 39, ...). */
export function isFailureLcmState(lcmState: number): boolean {
  return (lcmStateNames[lcmState] ?? '').endsWith('_FAILURE');
}

/**
 * Whether OpenNebula accepts terminate (`hard`: terminate-hard) in this state (its
 * DispatchManager): every state but ACTIVE; in ACTIVE, RUNNING, UNKNOWN, every *_FAILURE state,
 * and SHUTDOWN for terminate-hard. Every other ACTIVE state is transient (PROLOG, BOOT, EPILOG,
 * hotplug, migration, snapshots, ...): the call fails with ACTION until the VM leaves it.
 */
export function terminateAccepted(state: number, lcmState: number, hard: boolean): boolean {
  if (state !== vmStates.ACTIVE) return true;
  if (lcmState === lcmStates.RUNNING || lcmState === lcmStates.UNKNOWN) return true;
  if (isFailureLcmState(lcmState)) return true;
  return hard && lcmState === lcmStates.SHUTDOWN;
}

/** Host STATE. */
export const hostStates = {
  INIT: 0,
  MONITORING_MONITORED: 1,
  MONITORED: 2,
  ERROR: 3,
  DISABLED: 4,
  MONITORING_ERROR: 5,
  MONITORING_INIT: 6,
  MONITORING_DISABLED: 7,
  OFFLINE: 8,
} as const;

export type HostStateName = keyof typeof hostStates;

const vmStateByValue = new Map<number, string>(Object.entries(vmStates).map(([k, v]) => [v, k]));
const hostStateByValue = new Map<number, string>(Object.entries(hostStates).map(([k, v]) => [v, k]));

/** `PENDING`, `ACTIVE/BOOT_FAILURE`: a VM's state as people read it. */
export function vmStateLabel(state: number, lcmState: number): string {
  const name = vmStateByValue.get(state) ?? `STATE ${state}`;
  if (state !== vmStates.ACTIVE) return name;
  return `${name}/${lcmStateNames[lcmState] ?? `LCM_STATE ${lcmState}`}`;
}

/** `MONITORED`, or `STATE n`. */
export function hostStateLabel(state: number): string {
  return hostStateByValue.get(state) ?? `STATE ${state}`;
}

/** Where a VM is on its way to running an agent. */
export type VmPhase = 'pending' | 'booting' | 'running' | 'failed' | 'gone' | 'other';

/**
 * `pending`: waiting for a host (INIT, PENDING, HOLD, CLONING); `booting`: ACTIVE in LCM_INIT,
 * PROLOG or BOOT; `running`: ACTIVE/RUNNING; `failed`: CLONING_FAILURE or an LCM state that ends
 * in _FAILURE; `gone`: DONE; `other`: stopped, suspended, powered off, migrating, ...
 */
export function vmPhase(state: number, lcmState: number): VmPhase {
  switch (state) {
    case vmStates.INIT:
    case vmStates.PENDING:
    case vmStates.HOLD:
    case vmStates.CLONING:
      return 'pending';
    case vmStates.CLONING_FAILURE:
      return 'failed';
    case vmStates.DONE:
      return 'gone';
    case vmStates.ACTIVE:
      if (lcmState === lcmStates.RUNNING) return 'running';
      if (lcmState <= lcmStates.BOOT) return 'booting';
      return isFailureLcmState(lcmState) ? 'failed' : 'other';
    default:
      return 'other';
  }
}

/**
 * How a host shows in the Hosts view: MONITORED (and being monitored again from there) is on;
 * ERROR and MONITORING_ERROR are error; DISABLED and MONITORING_DISABLED are disabled; OFFLINE,
 * and a host not monitored yet (INIT, MONITORING_INIT), are off.
 */
export function hostViewState(state: number): HypervisorHost['state'] {
  switch (state) {
    case hostStates.MONITORED:
    case hostStates.MONITORING_MONITORED:
      return 'on';
    case hostStates.ERROR:
    case hostStates.MONITORING_ERROR:
      return 'error';
    case hostStates.DISABLED:
    case hostStates.MONITORING_DISABLED:
      return 'disabled';
    default:
      return 'off';
  }
}
