/**
 * The OpenNebula fake's machines: VMs and the hosts they run on, following
 * ../shared/reference/protocol-facts.md. Actions are asynchronous as OpenNebula's are: a call
 * only starts them, and a clock (tick) moves each VM one step at a time: PENDING -> ACTIVE/PROLOG
 * -> BOOT -> RUNNING on a host whose state is MONITORED, whose attributes meet SCHED_REQUIREMENTS
 * and whose CPU is free; a terminated VM passes SHUTDOWN and EPILOG before DONE. terminate and
 * terminate-hard are accepted in the states of OpenNebula's DispatchManager (one-states.ts
 * terminateAccepted) and refused with ACTION in the transient ACTIVE states; recover is an ADMIN
 * operation (oneadmin only). fake-one-state.ts answers the calls on top of this.
 */
import {
  hostStates,
  lcmStateNames,
  lcmStates,
  oneErrorCodes,
  terminateAccepted,
  isFailureLcmState,
  vmStates,
} from '../../../runner/core/opennebula/one-states';
import { formatSchedMessage } from '../../../runner/core/opennebula/one-sched-message';
import type { FakeHooks, FakeHost, FakeUser, FakeVm, OneAnswer } from './fake-one-types';
import { hostMeets, SchedSyntaxError } from './sched-requirements';

/** Now in seconds, as OpenNebula's times are. */
export const now = () => Math.floor(Date.now() / 1000);

type Fail = (code: number, message: string) => OneAnswer;

/** Action ids of history records (vm.xsd). */
const historyActions: Record<string, number> = {
  terminate: 27,
  'terminate-hard': 28,
  poweroff: 19,
  'poweroff-hard': 20,
  hold: 7,
  release: 8,
};

const knownActions = [
  ...['terminate', 'terminate-hard', 'undeploy', 'undeploy-hard', 'poweroff', 'poweroff-hard'],
  ...['reboot', 'reboot-hard', 'hold', 'release', 'stop', 'suspend', 'resume', 'resched', 'unresched'],
];

/** The automatic requirements OpenNebula's scheduler puts before a VM's own. */
const automaticRequirements = '!(PUBLIC_CLOUD = YES)';

/** States in which terminate frees the VM at once (it never had a host). */
const freedAtOnce: readonly number[] = [
  vmStates.INIT,
  vmStates.PENDING,
  vmStates.HOLD,
  vmStates.CLONING,
  vmStates.CLONING_FAILURE,
];

/** `PROLOG` for ACTIVE, the state's name otherwise, as OpenNebula's messages name states. */
function stateName(vm: FakeVm): string {
  if (vm.state === vmStates.ACTIVE) return lcmStateNames[vm.lcmState] ?? String(vm.lcmState);
  const found = Object.entries(vmStates).find(([, v]) => v === vm.state);
  return found ? found[0] : String(vm.state);
}

/** VMs on hosts, and what happens to them. */
export class FakeOneMachines {
  readonly vms: FakeVm[] = [];
  /** VMs whose guest runs (booted, not shut down): their agent is stopped once. */
  private readonly guests = new Set<number>();

  constructor(
    readonly hosts: FakeHost[],
    /** How long each step (PROLOG, BOOT, SHUTDOWN, EPILOG) takes (ms). */
    public stepMs: number,
    private readonly hooks: FakeHooks,
  ) {}

  protected cpuUsage(host: FakeHost): number {
    return this.vms
      .filter((vm) => vm.hostId === host.id && vm.state !== vmStates.DONE)
      .reduce((sum, vm) => sum + Math.round(Number(vm.cpu) * 100), 0);
  }

  protected may(user: FakeUser, vm: FakeVm): boolean {
    return user.id === 0 || vm.uid === user.id;
  }

  /** The VM ends: DONE, off its host, its agent killed. */
  private finalize(vm: FakeVm): void {
    this.setState(vm, vmStates.DONE, lcmStates.LCM_INIT);
    vm.etime = now();
    const last = vm.history[vm.history.length - 1];
    if (last) last.etime = vm.etime;
    vm.hostId = null;
    this.stopGuest(vm);
  }

  private stopGuest(vm: FakeVm): void {
    if (this.guests.delete(vm.id)) this.hooks.shutDown(vm);
  }

  private setState(vm: FakeVm, state: number, lcmState: number): void {
    vm.prevState = vm.state;
    vm.prevLcmState = vm.lcmState;
    vm.state = state;
    vm.lcmState = lcmState;
  }

  /** Into ACTIVE/`lcmState` for one step. */
  private step(vm: FakeVm, lcmState: number): void {
    this.setState(vm, vmStates.ACTIVE, lcmState);
    vm.stepUntil = Date.now() + this.stepMs;
  }

  private recordAction(vm: FakeVm, action: string): void {
    const last = vm.history[vm.history.length - 1];
    if (last) last.action = historyActions[action] ?? last.action;
  }

  /** one.vm.action terminate / terminate-hard: started, not finished (the clock ends it). */
  private terminate(vm: FakeVm, action: string, fail: Fail): OneAnswer {
    const hard = action === 'terminate-hard';
    if (!terminateAccepted(vm.state, vm.lcmState, hard))
      return fail(
        oneErrorCodes.ACTION,
        `Error performing action "${action}": Could not terminate VM ${vm.id}, wrong state ${stateName(vm)}.`,
      );
    this.recordAction(vm, action);
    if (vm.state === vmStates.DONE) return [true, vm.id];
    if (freedAtOnce.includes(vm.state)) this.finalize(vm);
    else if (vm.state !== vmStates.ACTIVE || isFailureLcmState(vm.lcmState)) this.step(vm, lcmStates.EPILOG);
    else {
      // RUNNING, UNKNOWN, or SHUTDOWN again with -hard: the guest goes down, then EPILOG
      this.step(vm, lcmStates.SHUTDOWN);
      this.stopGuest(vm);
    }
    return [true, vm.id];
  }

  protected action(user: FakeUser, action: string, id: number, fail: Fail): OneAnswer {
    if (!knownActions.includes(action))
      return fail(oneErrorCodes.ACTION, `Virtual machine action "${action}" is not supported`);
    const vm = this.vms.find((v) => v.id === id);
    if (!vm) return fail(oneErrorCodes.NO_EXISTS, `Error getting virtual machine [${id}].`);
    if (!this.may(user, vm))
      return fail(
        oneErrorCodes.AUTHORIZATION,
        `User [${user.id}] : Not authorized to perform MANAGE VM [${vm.id}].`,
      );
    const wrongState = () =>
      fail(
        oneErrorCodes.ACTION,
        `Error performing action "${action}": This action is not available for state ${stateName(vm)}.`,
      );
    const running = vm.state === vmStates.ACTIVE && vm.lcmState === lcmStates.RUNNING;
    switch (action) {
      case 'terminate':
      case 'terminate-hard':
        return this.terminate(vm, action, fail);
      case 'hold':
        if (vm.state !== vmStates.PENDING) return wrongState();
        this.setState(vm, vmStates.HOLD, lcmStates.LCM_INIT);
        return [true, vm.id];
      case 'release':
        if (vm.state !== vmStates.HOLD) return wrongState();
        this.setState(vm, vmStates.PENDING, lcmStates.LCM_INIT);
        return [true, vm.id];
      case 'poweroff':
      case 'poweroff-hard':
        if (!running) return wrongState();
        this.recordAction(vm, action);
        this.step(vm, lcmStateNames.indexOf('SHUTDOWN_POWEROFF'));
        this.stopGuest(vm);
        return [true, vm.id];
      default:
        return fail(oneErrorCodes.INTERNAL, `action "${action}" is not modelled by the fake`);
    }
  }

  /** one.vm.recover: ADMIN rights on the VM, which only oneadmin has here (umask 177). */
  protected recover(user: FakeUser, id: number, operation: number, fail: Fail): OneAnswer {
    const vm = this.vms.find((v) => v.id === id);
    if (!vm) return fail(oneErrorCodes.NO_EXISTS, `Error getting virtual machine [${id}].`);
    if (user.id !== 0)
      return fail(
        oneErrorCodes.AUTHORIZATION,
        `User [${user.id}] : Not authorized to perform ADMIN VM [${vm.id}].`,
      );
    switch (operation) {
      case 2: // retry
        if (vm.state !== vmStates.ACTIVE || vm.lcmState !== lcmStates.BOOT_FAILURE)
          return fail(
            oneErrorCodes.ACTION,
            `Error performing action "recover": wrong state ${stateName(vm)}.`,
          );
        this.step(vm, lcmStates.BOOT);
        return [true, vm.id];
      case 3: // delete: any state, DONE is a no-op
        if (vm.state !== vmStates.DONE) this.finalize(vm);
        return [true, vm.id];
      case 5: // delete-db
        if (vm.state !== vmStates.DONE) this.finalize(vm);
        this.vms.splice(this.vms.indexOf(vm), 1);
        return [true, vm.id];
      case 0:
      case 1:
      case 4:
        return fail(oneErrorCodes.INTERNAL, `recover operation ${operation} is not modelled by the fake`);
      default:
        return fail(oneErrorCodes.XML_RPC_API, `Wrong recover operation ${operation}`);
    }
  }

  /**
   * The scheduler and the LCM: one step for every VM whose step is over (`force`: whatever its
   * time, for a test that drives the clock itself) and that a test does not hold in its step.
   */
  tick(force = false): void {
    const time = Date.now();
    for (const vm of [...this.vms]) {
      if (this.hooks.stalled?.(vm)) continue;
      if (vm.state === vmStates.PENDING) this.schedule(vm, time);
      else if (vm.state === vmStates.ACTIVE && (force || vm.stepUntil <= time)) this.advance(vm);
    }
  }

  private advance(vm: FakeVm): void {
    switch (vm.lcmState) {
      case lcmStates.PROLOG:
        this.step(vm, lcmStates.BOOT);
        vm.deployId = `one-${vm.id}`;
        return;
      case lcmStates.BOOT:
        if (this.hooks.failBoot?.(vm)) {
          this.setState(vm, vmStates.ACTIVE, lcmStates.BOOT_FAILURE);
          return;
        }
        this.setState(vm, vmStates.ACTIVE, lcmStates.RUNNING);
        vm.lastPoll = now();
        this.guests.add(vm.id);
        this.hooks.booted(vm);
        return;
      case lcmStates.SHUTDOWN:
        this.step(vm, lcmStates.EPILOG);
        return;
      case lcmStates.EPILOG:
        this.finalize(vm);
        return;
      default:
        if (lcmStateNames[vm.lcmState] === 'SHUTDOWN_POWEROFF') {
          this.setState(vm, vmStates.POWEROFF, lcmStates.LCM_INIT);
          vm.hostId = null;
        }
    }
  }

  private meeting(vm: FakeVm, candidates: FakeHost[]): FakeHost[] {
    const requirements = vm.userTemplate.SCHED_REQUIREMENTS;
    if (!requirements) return candidates;
    return candidates.filter((h) =>
      hostMeets(requirements, {
        ...h.attributes,
        NAME: h.name,
        ID: String(h.id),
        CLUSTER_ID: '0',
        CLUSTER: 'default',
      }),
    );
  }

  /** Why no host takes the VM, worded as OpenNebula 5.x/6.x's scheduler words it. */
  private noHostReason(vm: FakeVm, candidates: number, meeting: number): string {
    if (candidates === 0) return 'No hosts enabled to run VMs';
    const requirements = vm.userTemplate.SCHED_REQUIREMENTS;
    if (requirements && meeting === 0)
      return `No host meets capacity and SCHED_REQUIREMENTS: ${automaticRequirements} & ( ${requirements} )`;
    return 'No host with enough capacity to deploy the VM';
  }

  private schedule(vm: FakeVm, time: number): void {
    const candidates = this.hosts.filter((h) => h.state === hostStates.MONITORED);
    let meeting: FakeHost[];
    try {
      meeting = this.meeting(vm, candidates);
    } catch (error) {
      if (!(error instanceof SchedSyntaxError)) throw error;
      vm.userTemplate.SCHED_MESSAGE = formatSchedMessage(new Date(time), error.message);
      return;
    }
    const cpu = Math.round(Number(vm.cpu) * 100);
    const host = meeting.find((h) => h.totalCpu - this.cpuUsage(h) >= cpu);
    if (!host) {
      const reason = this.noHostReason(vm, candidates.length, meeting.length);
      vm.userTemplate.SCHED_MESSAGE = formatSchedMessage(new Date(time), reason);
      return;
    }
    delete vm.userTemplate.SCHED_MESSAGE;
    vm.hostId = host.id;
    vm.history.push({
      seq: vm.history.length,
      hostname: host.name,
      hid: host.id,
      stime: Math.floor(time / 1000),
      etime: 0,
      action: 0,
    });
    this.step(vm, lcmStates.PROLOG);
  }
}
