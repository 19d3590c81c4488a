/**
 * The fake OpenNebula's model: users, hosts, templates and VMs, the calls of the XML-RPC
 * reference with their checks and `[ok, value | message, code]` answers, and a scheduler that
 * moves VMs PENDING -> ACTIVE/PROLOG -> BOOT -> RUNNING on a host whose state is MONITORED,
 * whose attributes meet the VM's SCHED_REQUIREMENTS and whose CPU is free. Messages follow
 * OpenNebula's (`[one.vm.info] Error getting virtual machine [7].`).
 */
import { oneErrorCodes, hostStates, lcmStates, vmStates } from '../../../runner/core/opennebula/one-states';
import { oneVector, parseOneTemplate, type OneTemplate } from '../../../runner/core/opennebula/one-template';
import { hostXml, hostPoolXml, templatePoolXml, templateXml, vmPoolXml, vmXml } from './fake-one-xml';
import { hostMeets, SchedSyntaxError } from './sched-requirements';

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
}

const now = () => Math.floor(Date.now() / 1000);

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

function checkArgs(method: string, params: readonly unknown[], types: readonly string[]): void {
  if (params.length !== types.length)
    throw new XmlRpcFault(-501, `${method}: expected ${types.length} parameters, got ${params.length}`);
  types.forEach((type, i) => {
    const value = params[i];
    const ok = type === 'int' ? typeof value === 'number' && Number.isInteger(value) : typeof value === type;
    if (!ok)
      throw new XmlRpcFault(
        -501,
        `${method}: parameter ${i + 1} must be ${type === 'int' ? 'an integer' : `a ${type}`}, got ${typeof value}`,
      );
  });
}

/** The fake's state and the calls on it. */
export class FakeOneState {
  readonly users: FakeUser[];
  readonly hosts: FakeHost[];
  readonly templates: FakeTemplate[] = [];
  readonly vms: FakeVm[] = [];
  private nextVmId = 0;
  private nextTemplateId = 0;
  /** Every pending VM's reason for waiting, as SCHED_MESSAGE. */
  stepMs: number;

  constructor(
    input: { users: FakeUserInput[]; hosts: FakeHostInput[]; templates: FakeTemplateInput[]; stepMs: number },
    private readonly hooks: FakeHooks,
  ) {
    this.stepMs = input.stepMs;
    this.users = [{ id: 0, name: 'oneadmin', password: 'oneadmin-secret' }];
    for (const user of input.users) this.users.push({ id: this.users.length, ...user });
    this.hosts = input.hosts.map((h, id) => ({
      id,
      name: h.name,
      state: h.state ?? hostStates.MONITORED,
      prevState: h.state ?? hostStates.MONITORED,
      totalCpu: h.totalCpu ?? 400,
      attributes: { HYPERVISOR: 'kvm', ...h.attributes },
    }));
    for (const t of input.templates) this.addTemplate(t);
  }

  addTemplate(t: FakeTemplateInput): FakeTemplate {
    const owner = this.users.find((u) => u.name === (t.owner ?? this.users[1]?.name)) ?? this.users[0]!;
    const template: FakeTemplate = {
      id: this.nextTemplateId++,
      uid: owner.id,
      uname: owner.name,
      name: t.name,
      cpu: t.cpu ?? '1',
      memory: t.memory ?? '2048',
      context: { NETWORK: 'YES', ...t.context },
      regtime: now(),
    };
    this.templates.push(template);
    return template;
  }

  setHostState(name: string, state: number): void {
    const host = this.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no host ${name}`);
    host.prevState = host.state;
    host.state = state;
  }

  private cpuUsage(host: FakeHost): number {
    return this.vms
      .filter((vm) => vm.hostId === host.id && vm.state !== vmStates.DONE)
      .reduce((sum, vm) => sum + Math.round(Number(vm.cpu) * 100), 0);
  }

  /** Answer one call: the session is the first parameter. Throws XmlRpcFault for bad arguments. */
  call(method: string, params: readonly unknown[]): OneAnswer {
    const fail = (code: number, message: string): OneAnswer => [false, `[${method}] ${message}`, code];
    const session = params[0];
    if (typeof session !== 'string') throw new XmlRpcFault(-501, `${method}: parameter 1 must be a string`);
    const [name, ...rest] = session.split(':');
    const user = this.users.find((u) => u.name === name && u.password === rest.join(':'));
    const args = params.slice(1);
    const handler = this.handlers[method];
    if (!handler) throw new XmlRpcFault(-506, `Unknown method '${method}'`);
    checkArgs(method, args, handler.types);
    if (!user) return fail(oneErrorCodes.AUTHENTICATION, "User couldn't be authenticated, aborting call.");
    return handler.run(user, args, fail);
  }

  private readonly handlers: Record<
    string,
    {
      types: readonly string[];
      run(
        user: FakeUser,
        args: readonly unknown[],
        fail: (code: number, message: string) => OneAnswer,
      ): OneAnswer;
    }
  > = {
    'one.system.version': { types: [], run: () => [true, '6.10.0'] },
    'one.templatepool.info': {
      types: ['int', 'int', 'int'],
      run: () => [true, templatePoolXml(this.templates)],
    },
    'one.template.info': {
      types: ['int', 'boolean', 'boolean'],
      run: (_user, [id], fail) => {
        const template = this.templates.find((t) => t.id === id);
        if (!template) return fail(oneErrorCodes.NO_EXISTS, `Error getting template [${String(id)}].`);
        return [true, templateXml(template)];
      },
    },
    'one.template.clone': {
      types: ['int', 'string', 'boolean'],
      run: (user, [id, name], fail) => {
        const template = this.templates.find((t) => t.id === id);
        if (!template) return fail(oneErrorCodes.NO_EXISTS, `Error getting template [${String(id)}].`);
        if (this.templates.some((t) => t.name === name && t.uid === user.id))
          return fail(
            oneErrorCodes.ALLOCATE,
            `Error allocating a new template. NAME is already taken by TEMPLATE ${this.templates.find((t) => t.name === name)!.id}.`,
          );
        const clone = this.addTemplate({
          name: String(name),
          owner: user.name,
          cpu: template.cpu,
          memory: template.memory,
          context: { ...template.context },
        });
        return [true, clone.id];
      },
    },
    'one.template.instantiate': {
      types: ['int', 'string', 'boolean', 'string', 'boolean'],
      run: (user, [id, name, hold, extra], fail) => {
        const template = this.templates.find((t) => t.id === id);
        if (!template) return fail(oneErrorCodes.NO_EXISTS, `Error getting template [${String(id)}].`);
        let parsed: OneTemplate;
        try {
          parsed = parseOneTemplate(String(extra));
        } catch (error) {
          return fail(oneErrorCodes.INTERNAL, `Parse error: ${(error as Error).message}`);
        }
        const vmId = this.nextVmId++;
        const userTemplate: Record<string, string> = {};
        for (const [key, value] of Object.entries(parsed))
          if (typeof value === 'string' && !['CPU', 'MEMORY', 'NAME'].includes(key))
            userTemplate[key] = value;
        const vm: FakeVm = {
          id: vmId,
          uid: user.id,
          uname: user.name,
          name: String(name) || `${template.name}-${vmId}`,
          templateId: template.id,
          state: hold ? vmStates.HOLD : vmStates.PENDING,
          lcmState: lcmStates.LCM_INIT,
          prevState: vmStates.INIT,
          prevLcmState: 0,
          stime: now(),
          etime: 0,
          lastPoll: 0,
          deployId: '',
          cpu: typeof parsed.CPU === 'string' ? parsed.CPU : template.cpu,
          memory: typeof parsed.MEMORY === 'string' ? parsed.MEMORY : template.memory,
          // a CONTEXT in the extra template replaces the template's (OpenNebula's merge)
          context: parsed.CONTEXT ? { ...oneVector(parsed, 'CONTEXT') } : { ...template.context },
          userTemplate,
          history: [],
          hostId: null,
          stepUntil: 0,
        };
        this.vms.push(vm);
        return [true, vmId];
      },
    },
    'one.vm.info': {
      types: ['int', 'boolean'],
      run: (user, [id], fail) => {
        const vm = this.vms.find((v) => v.id === id);
        if (!vm) return fail(oneErrorCodes.NO_EXISTS, `Error getting virtual machine [${String(id)}].`);
        if (!this.may(user, vm))
          return fail(
            oneErrorCodes.AUTHORIZATION,
            `User [${user.id}] : Not authorized to perform USE VM [${vm.id}].`,
          );
        return [true, vmXml(vm)];
      },
    },
    'one.vmpool.info': {
      types: ['int', 'int', 'int', 'int'],
      run: (user, [filter, start, end, state]) => {
        const f = filter as number;
        let vms = this.vms.filter((vm) => {
          if (f === -3) return vm.uid === user.id;
          if (f >= 0) return vm.uid === f && this.may(user, vm);
          return this.may(user, vm);
        });
        const s = state as number;
        vms = vms.filter((vm) => (s === -2 ? true : s === -1 ? vm.state !== vmStates.DONE : vm.state === s));
        if ((start as number) >= 0) vms = vms.filter((vm) => vm.id >= (start as number));
        if ((end as number) >= 0) vms = vms.filter((vm) => vm.id <= (end as number));
        return [true, vmPoolXml(vms)];
      },
    },
    'one.vm.action': {
      types: ['string', 'int'],
      run: (user, [action, id], fail) => this.action(user, String(action), id as number, fail),
    },
    'one.vm.recover': {
      types: ['int', 'int'],
      run: (user, [id, operation], fail) => this.recover(user, id as number, operation as number, fail),
    },
    'one.hostpool.info': {
      types: [],
      run: () => [
        true,
        hostPoolXml(
          this.hosts.map((h) =>
            hostXml(
              h,
              this.vms.filter((vm) => vm.hostId === h.id && vm.state !== vmStates.DONE).map((vm) => vm.id),
              this.cpuUsage(h),
            ),
          ),
        ),
      ],
    },
  };

  private may(user: FakeUser, vm: FakeVm): boolean {
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

  private action(
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

  private recover(
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
