/**
 * The XML bodies of one.vmpool.info, one.vm.info, one.hostpool.info and one.templatepool.info
 * (vm_pool.xsd, vm.xsd, host_pool.xsd, vmtemplate.xsd) read into plain records, through
 * xml-lite. Only what Coin uses is read; everything else is ignored. Pure.
 */
import { parseXml, type XmlElement } from '../xml-lite';

export interface OneVm {
  id: number;
  uid: number;
  uname: string;
  name: string;
  state: number;
  lcmState: number;
  /** Start time (seconds since the epoch). */
  stime: number;
  /** The host of the last history record, when it was ever deployed. */
  hostname: string | null;
  /** USER_TEMPLATE's single attributes (SCHED_REQUIREMENTS lives there). */
  userTemplate: Record<string, string>;
  /** TEMPLATE/CONTEXT (one.vm.info only: the pool leaves it out). */
  context: Record<string, string>;
}

export interface OneHost {
  id: number;
  name: string;
  state: number;
  /** HOST_SHARE: CPU in percent of one core (a 16-core host has TOTAL_CPU 1600). */
  cpuUsage: number;
  totalCpu: number;
  runningVms: number;
  /** Ids in VMS. */
  vmIds: number[];
  /** TEMPLATE's single attributes (the ones SCHED_REQUIREMENTS reads, e.g. NESTED_VIRT). */
  template: Record<string, string>;
}

export interface OneTemplateRecord {
  id: number;
  uid: number;
  uname: string;
  name: string;
  /** When it was registered (REGTIME, seconds since the epoch). */
  regtime: number;
  /** TEMPLATE's single attributes (CPU, MEMORY, ...). */
  template: Record<string, string>;
  /** TEMPLATE/CONTEXT. */
  context: Record<string, string>;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

function text(element: XmlElement, name: string): string {
  return child(element, name)?.text.trim() ?? '';
}

function int(element: XmlElement, name: string): number {
  const value = Number(text(element, name));
  return Number.isFinite(value) ? value : 0;
}

/** The leaf children of an element as name -> text (elements with children are left out). */
function leaves(element: XmlElement | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of element?.children ?? []) if (c.children.length === 0) out[c.name] = c.text.trim();
  return out;
}

function root(xml: string, name: string): XmlElement {
  const element = parseXml(xml);
  if (element.name !== name) throw new Error(`expected <${name}>, got <${element.name}>`);
  return element;
}

function vmOf(element: XmlElement): OneVm {
  const history = child(element, 'HISTORY_RECORDS')?.children.filter((c) => c.name === 'HISTORY') ?? [];
  const last = history[history.length - 1];
  const template = child(element, 'TEMPLATE');
  return {
    id: int(element, 'ID'),
    uid: int(element, 'UID'),
    uname: text(element, 'UNAME'),
    name: text(element, 'NAME'),
    state: int(element, 'STATE'),
    lcmState: int(element, 'LCM_STATE'),
    stime: int(element, 'STIME'),
    hostname: last ? text(last, 'HOSTNAME') || null : null,
    userTemplate: leaves(child(element, 'USER_TEMPLATE')),
    context: leaves(template && child(template, 'CONTEXT')),
  };
}

/** one.vmpool.info's VM_POOL. */
export function parseVmPool(xml: string): OneVm[] {
  return root(xml, 'VM_POOL')
    .children.filter((c) => c.name === 'VM')
    .map(vmOf);
}

/** one.vm.info's VM. */
export function parseVm(xml: string): OneVm {
  return vmOf(root(xml, 'VM'));
}

/** one.hostpool.info's HOST_POOL. */
export function parseHostPool(xml: string): OneHost[] {
  return root(xml, 'HOST_POOL')
    .children.filter((c) => c.name === 'HOST')
    .map((host) => {
      const share = child(host, 'HOST_SHARE');
      return {
        id: int(host, 'ID'),
        name: text(host, 'NAME'),
        state: int(host, 'STATE'),
        cpuUsage: share ? int(share, 'CPU_USAGE') : 0,
        totalCpu: share ? int(share, 'TOTAL_CPU') : 0,
        runningVms: share ? int(share, 'RUNNING_VMS') : 0,
        vmIds: (child(host, 'VMS')?.children ?? [])
          .filter((c) => c.name === 'ID')
          .map((c) => Number(c.text.trim())),
        template: leaves(child(host, 'TEMPLATE')),
      };
    });
}

/** one.templatepool.info's VMTEMPLATE_POOL. */
export function parseTemplatePool(xml: string): OneTemplateRecord[] {
  return root(xml, 'VMTEMPLATE_POOL')
    .children.filter((c) => c.name === 'VMTEMPLATE')
    .map((element) => {
      const template = child(element, 'TEMPLATE');
      return {
        id: int(element, 'ID'),
        uid: int(element, 'UID'),
        uname: text(element, 'UNAME'),
        name: text(element, 'NAME'),
        regtime: int(element, 'REGTIME'),
        template: leaves(template),
        context: leaves(template && child(template, 'CONTEXT')),
      };
    });
}

/**
 * How many agent VMs a host runs at once: its TOTAL_CPU over the CPU one agent VM asks for (100 =
 * one core); null when the host does not say its CPU.
 */
export function hostCapacity(host: OneHost, cpuPerVm = 100): number | null {
  if (host.totalCpu <= 0) return null;
  return Math.floor(host.totalCpu / cpuPerVm);
}
