/**
 * The OpenNebula fake's machines: VMs and the hosts they run on. A scheduler moves VMs PENDING ->
 * ACTIVE/PROLOG -> BOOT -> RUNNING on a host whose state is MONITORED, whose attributes meet the
 * VM's SCHED_REQUIREMENTS and whose CPU is free; VM actions (terminate, hold, poweroff, ...) and
 * recover follow OpenNebula's state rules. fake-one-state.ts answers the calls on top of it.
 */
import { hostStates, lcmStates, oneErrorCodes, vmStates } from '../../../runner/core/opennebula/one-states';
import type { FakeHooks, FakeHost, FakeUser, FakeVm, OneAnswer } from './fake-one-types';
import { hostMeets, SchedSyntaxError } from './sched-requirements';

/** Now in seconds, as OpenNebula's times are. */
export const now = () => Math.floor(Date.now() / 1000);

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
  'terminate',
  'terminate-hard',
  'undeploy',
  'undeploy-hard',
  'poweroff',
  'poweroff-hard',
  'reboot',
  'reboot-hard',
  'hold',
  'release',
  'stop',
  'suspend',
  'resume',
  'resched',
  'unresched',
];

/** VMs on hosts, and what happens to them. */
export class FakeOneMachines {
  readonly vms: FakeVm[] = [];

  constructor(
    readonly hosts: FakeHost[],
    /** How long PROLOG and BOOT each take (ms). */
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

  private toDone(vm: FakeVm, action: number): void {
    const wasRunning = vm.state === vmStates.ACTIVE && vm.lcmState === lcmStates.RUNNING;
    this.setState(vm, vmStates.DONE, lcmStates.LCM_INIT);
    vm.etime = now();
    const last = vm.history[vm.history.length - 1];
    if (last) {
      last.etime = vm.etime;
      last.action = action;
    }
    vm.hostId = null;
    if (wasRunning || vm.deployId) this.hooks.shutDown(vm);
  }

  private setState(vm: FakeVm, state: number, lcmState: number): void {
    vm.prevState = vm.state;
    vm.prevLcmState = vm.lcmState;
    vm.state = state;
    vm.lcmState = lcmState;
  }

  protected action(
    user: FakeUser,
    action: string,
    id: number,
    fail: (code: number, message: string) => OneAnswer,
  ): OneAnswer {
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
        `Error performing action "${action}" on virtual machine [${vm.id}]. This action is not available for state ${vm.state === vmStates.ACTIVE ? `ACTIVE/${vm.lcmState}` : vm.state}`,
      );
    const running = vm.state === vmStates.ACTIVE && vm.lcmState === lcmStates.RUNNING;
    switch (action) {
      case 'terminate':
      case 'terminate-hard': {
        const idle = [
          vmStates.PENDING,
          vmStates.HOLD,
          vmStates.POWEROFF,
          vmStates.STOPPED,
          vmStates.SUSPENDED,
          vmStates.UNDEPLOYED,
          vmStates.CLONING,
          vmStates.CLONING_FAILURE,
        ] as number[];
        if (!running && !idle.includes(vm.state)) return wrongState();
        this.toDone(vm, historyActions[action]!);
        return [true, vm.id];
      }
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
        this.setState(vm, vmStates.POWEROFF, lcmStates.LCM_INIT);
        this.hooks.shutDown(vm);
        return [true, vm.id];
      default:
        return fail(oneErrorCodes.INTERNAL, `action "${action}" is not modelled by the fake`);
    }
  }

  protected recover(
    user: FakeUser,
    id: number,
    operation: number,
    fail: (code: number, message: string) => OneAnswer,
  ): OneAnswer {
    const vm = this.vms.find((v) => v.id === id);
    if (!vm) return fail(oneErrorCodes.NO_EXISTS, `Error getting virtual machine [${id}].`);
    if (!this.may(user, vm))
      return fail(
        oneErrorCodes.AUTHORIZATION,
        `User [${user.id}] : Not authorized to perform ADMIN VM [${vm.id}].`,
      );
    if (vm.state === vmStates.DONE)
      return fail(
        oneErrorCodes.ACTION,
        `Error performing action "recover" on virtual machine [${vm.id}]. Wrong state to perform action`,
      );
    const failed = vm.state === vmStates.ACTIVE && vm.lcmState === lcmStates.BOOT_FAILURE;
    switch (operation) {
      case 2: // retry
        if (!failed)
          return fail(
            oneErrorCodes.ACTION,
            `Error performing action "recover" on virtual machine [${vm.id}]. Wrong state to perform action`,
          );
        this.setState(vm, vmStates.ACTIVE, lcmStates.BOOT);
        vm.stepUntil = Date.now() + this.stepMs;
        return [true, vm.id];
      case 3: // delete
        this.toDone(vm, 13);
        return [true, vm.id];
      case 5: // delete-db
        this.toDone(vm, 13);
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

  /** The scheduler and the LCM: one step for every VM whose time came. */
  tick(): void {
    const time = Date.now();
    for (const vm of this.vms) {
      if (vm.state === vmStates.PENDING) this.schedule(vm, time);
      else if (vm.state === vmStates.ACTIVE && vm.stepUntil <= time) {
        if (vm.lcmState === lcmStates.PROLOG) {
          this.setState(vm, vmStates.ACTIVE, lcmStates.BOOT);
          vm.deployId = `one-${vm.id}`;
          vm.stepUntil = time + this.stepMs;
        } else if (vm.lcmState === lcmStates.BOOT) {
          if (this.hooks.failBoot?.(vm)) {
            this.setState(vm, vmStates.ACTIVE, lcmStates.BOOT_FAILURE);
            continue;
          }
          this.setState(vm, vmStates.ACTIVE, lcmStates.RUNNING);
          vm.lastPoll = now();
          this.hooks.booted(vm);
        }
      }
    }
  }

  private schedule(vm: FakeVm, time: number): void {
    const requirements = vm.userTemplate.SCHED_REQUIREMENTS;
    const candidates = this.hosts.filter((h) => h.state === hostStates.MONITORED);
    let meeting: FakeHost[];
    try {
      meeting = requirements
        ? candidates.filter((h) =>
            hostMeets(requirements, {
              ...h.attributes,
              NAME: h.name,
              ID: String(h.id),
              CLUSTER_ID: '0',
              CLUSTER: 'default',
            }),
          )
        : candidates;
    } catch (error) {
      if (error instanceof SchedSyntaxError) {
        vm.userTemplate.SCHED_MESSAGE = `Cannot dispatch VM: ${error.message}`;
        return;
      }
      throw error;
    }
    const cpu = Math.round(Number(vm.cpu) * 100);
    const host = meeting.find((h) => h.totalCpu - this.cpuUsage(h) >= cpu);
    if (!host) {
      vm.userTemplate.SCHED_MESSAGE =
        candidates.length === 0
          ? 'Cannot dispatch VM: No hosts enabled to run VMs'
          : meeting.length === 0
            ? 'Cannot dispatch VM: No host meets SCHED_REQUIREMENTS'
            : 'Cannot dispatch VM: No host with enough capacity to deploy the VM';
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
    this.setState(vm, vmStates.ACTIVE, lcmStates.PROLOG);
    vm.stepUntil = time + this.stepMs;
  }
}
