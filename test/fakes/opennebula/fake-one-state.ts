/**
 * The fake OpenNebula's model: users, hosts, templates and VMs, the calls of the XML-RPC
 * reference with their checks and `[ok, value | message, code]` answers. The VMs' life cycle and
 * the scheduler are in fake-one-machines.ts, the records in fake-one-types.ts. Messages follow
 * OpenNebula's (`[one.vm.info] Error getting virtual machine [7].`).
 */
import { oneErrorCodes, hostStates, lcmStates, vmStates } from '../../../runner/core/opennebula/one-states';
import { parseOneTemplate, type OneTemplate } from '../../../runner/core/opennebula/one-template';
import { instantiatedTemplate, restrictedAttributeIn } from './fake-one-instantiate';
import { hostXml, hostPoolXml, templatePoolXml, templateXml, vmPoolXml, vmXml } from './fake-one-xml';
import { FakeOneMachines, now } from './fake-one-machines';
import {
  XmlRpcFault,
  type FakeHooks,
  type FakeHostInput,
  type FakeTemplate,
  type FakeTemplateInput,
  type FakeUser,
  type FakeUserInput,
  type FakeVm,
  type OneAnswer,
} from './fake-one-types';

export * from './fake-one-types';

/** A type in a signature; `?` at the end: an optional trailing parameter (vmpool.info's filter). */
function checkArgs(method: string, params: readonly unknown[], types: readonly string[]): void {
  const required = types.filter((t) => !t.endsWith('?')).length;
  if (params.length < required || params.length > types.length)
    throw new XmlRpcFault(
      -501,
      `${method}: expected ${required === types.length ? types.length : `${required} to ${types.length}`} parameters, got ${params.length}`,
    );
  params.forEach((value, i) => {
    const type = types[i]!.replace(/\?$/, '');
    const ok = type === 'int' ? typeof value === 'number' && Number.isInteger(value) : typeof value === type;
    if (!ok)
      throw new XmlRpcFault(
        -501,
        `${method}: parameter ${i + 1} must be ${type === 'int' ? 'an integer' : `a ${type}`}, got ${typeof value}`,
      );
  });
}

/** vmpool.info's KEY=VALUE filter: NAME, UNAME or a USER_TEMPLATE attribute equal to VALUE. */
function matchesFilter(vm: FakeVm, filter: string): boolean {
  const at = filter.indexOf('=');
  if (at <= 0) return true;
  const key = filter.slice(0, at).trim().toUpperCase();
  const value = filter.slice(at + 1).trim();
  if (key === 'NAME') return vm.name === value;
  if (key === 'UNAME') return vm.uname === value;
  return vm.userTemplate[key] === value;
}

/** The fake's state and the calls on it. */
export class FakeOneState extends FakeOneMachines {
  readonly users: FakeUser[];
  readonly templates: FakeTemplate[] = [];
  private nextVmId = 0;
  private nextTemplateId = 0;

  constructor(
    input: { users: FakeUserInput[]; hosts: FakeHostInput[]; templates: FakeTemplateInput[]; stepMs: number },
    hooks: FakeHooks,
  ) {
    const hosts = input.hosts.map((h, id) => ({
      id,
      name: h.name,
      state: h.state ?? hostStates.MONITORED,
      prevState: h.state ?? hostStates.MONITORED,
      totalCpu: h.totalCpu ?? 400,
      attributes: { HYPERVISOR: 'kvm', ...h.attributes },
    }));
    super(hosts, input.stepMs, hooks);
    this.users = [{ id: 0, name: 'oneadmin', password: 'oneadmin-secret' }];
    for (const user of input.users) this.users.push({ id: this.users.length, ...user });
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
      attributes: { ...t.attributes },
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

  /** one.template.instantiate: a PENDING (or HOLD) VM; the clock schedules it. */
  private instantiate(
    user: FakeUser,
    id: number,
    name: string,
    hold: boolean,
    extra: string,
    fail: (code: number, message: string) => OneAnswer,
  ): OneAnswer {
    const template = this.templates.find((t) => t.id === id);
    if (!template) return fail(oneErrorCodes.NO_EXISTS, `Error getting template [${id}].`);
    let parsed: OneTemplate;
    try {
      parsed = parseOneTemplate(extra);
    } catch (error) {
      return fail(oneErrorCodes.INTERNAL, `Parse error: ${(error as Error).message}`);
    }
    const restricted = user.id === 0 ? null : restrictedAttributeIn(parsed);
    if (restricted)
      return fail(oneErrorCodes.AUTHORIZATION, `VM Template includes a restricted attribute ${restricted}.`);
    const vmId = this.nextVmId++;
    this.vms.push({
      id: vmId,
      uid: user.id,
      uname: user.name,
      name: name || `${template.name}-${vmId}`,
      templateId: template.id,
      state: hold ? vmStates.HOLD : vmStates.PENDING,
      lcmState: lcmStates.LCM_INIT,
      prevState: vmStates.INIT,
      prevLcmState: 0,
      stime: now(),
      etime: 0,
      lastPoll: 0,
      deployId: '',
      ...instantiatedTemplate(template, parsed),
      history: [],
      hostId: null,
      stepUntil: 0,
    });
    return [true, vmId];
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
          attributes: { ...template.attributes },
        });
        return [true, clone.id];
      },
    },
    'one.template.instantiate': {
      types: ['int', 'string', 'boolean', 'string', 'boolean'],
      run: (user, [id, name, hold, extra], fail) =>
        this.instantiate(user, id as number, String(name), hold === true, String(extra), fail),
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
      types: ['int', 'int', 'int', 'int', 'string?'],
      run: (user, [filter, start, end, state, keyValue]) => {
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
        if (typeof keyValue === 'string' && keyValue) vms = vms.filter((vm) => matchesFilter(vm, keyValue));
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
}
