/**
 * The OpenNebula fake's records (users, hosts, templates, VMs as the XML bodies show them), the
 * answer of a call, and the hooks through which the fake boots and stops agents.
 */
export interface FakeUserInput {
  name: string;
  password: string;
}

export interface FakeHostInput {
  name: string;
  /** Host STATE (default MONITORED). */
  state?: number;
  /** CPU in percent of a core (default 400: four agent VMs of CPU 1). */
  totalCpu?: number;
  /** TEMPLATE attributes SCHED_REQUIREMENTS reads (NESTED_VIRT, HYPERVISOR, ...). */
  attributes?: Record<string, string>;
}

export interface FakeTemplateInput {
  name: string;
  /** Owner (default the first user). */
  owner?: string;
  cpu?: string;
  memory?: string;
  context?: Record<string, string>;
  /** Other single attributes (SCHED_REQUIREMENTS, LABELS, ...): a VM gets them in USER_TEMPLATE. */
  attributes?: Record<string, string>;
}

export interface FakeUser {
  id: number;
  name: string;
  password: string;
}

export interface FakeHost {
  id: number;
  name: string;
  state: number;
  prevState: number;
  totalCpu: number;
  attributes: Record<string, string>;
}

export interface FakeTemplate {
  id: number;
  uid: number;
  uname: string;
  name: string;
  cpu: string;
  memory: string;
  context: Record<string, string>;
  attributes: Record<string, string>;
  regtime: number;
}

export interface FakeHistory {
  seq: number;
  hostname: string;
  hid: number;
  stime: number;
  etime: number;
  action: number;
}

export interface FakeVm {
  id: number;
  uid: number;
  uname: string;
  name: string;
  templateId: number;
  state: number;
  lcmState: number;
  prevState: number;
  prevLcmState: number;
  stime: number;
  etime: number;
  lastPoll: number;
  deployId: string;
  cpu: string;
  memory: string;
  context: Record<string, string>;
  userTemplate: Record<string, string>;
  history: FakeHistory[];
  hostId: number | null;
  /** When the current LCM step (PROLOG, BOOT) ends (ms since epoch). */
  stepUntil: number;
}

/** A successful or failed answer of a call. */
export type OneAnswer = [true, string | number] | [false, string, number];

/** An argument of the wrong type or number: an XML-RPC fault, as xmlrpc-c's signature check gives. */
export class XmlRpcFault extends Error {
  constructor(
    readonly faultCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeHooks {
  /** The VM fails in BOOT (LCM_STATE BOOT_FAILURE) instead of reaching RUNNING. */
  failBoot?(vm: FakeVm): boolean;
  /** A VM reached RUNNING: the fake starts its agent. */
  booted(vm: FakeVm): void;
  /** A VM left RUNNING (terminated, powered off, deleted): the fake kills its agent. */
  shutDown(vm: FakeVm): void;
  /** The VM stays where it is (its PROLOG, BOOT, SHUTDOWN, EPILOG or PENDING lasts) while true. */
  stalled?(vm: FakeVm): boolean;
}
