/**
 * The fake's XML bodies, element by element in the order of OpenNebula's schemas
 * (share/doc/xsd in OpenNebula's repository, found by test/helpers/qt-fixtures.ts: vm.xsd for
 * one.vm.info, vm_pool.xsd, host_pool.xsd/host.xsd, vmtemplate.xsd);
 * test/unit/fakes/opennebula-fake.test.ts checks them against those files.
 */
import type { FakeHost, FakeTemplate, FakeVm } from './fake-one-types';

function esc(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function el(name: string, value: string | number): string {
  return `<${name}>${esc(value)}</${name}>`;
}

function cdata(name: string, value: string): string {
  return `<${name}><![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
}

function attributes(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([k, v]) => cdata(k, v))
    .join('');
}

const permissions =
  '<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U>' +
  '<GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>';

function vmHead(vm: FakeVm, full: boolean): string {
  return [
    el('ID', vm.id),
    el('UID', vm.uid),
    el('GID', 1),
    el('UNAME', vm.uname),
    el('GNAME', 'users'),
    el('NAME', vm.name),
    full ? permissions : '',
    el('LAST_POLL', vm.lastPoll),
    el('STATE', vm.state),
    el('LCM_STATE', vm.lcmState),
    full ? el('PREV_STATE', vm.prevState) + el('PREV_LCM_STATE', vm.prevLcmState) : '',
    el('RESCHED', 0),
    el('STIME', vm.stime),
    el('ETIME', vm.etime),
    el('DEPLOY_ID', vm.deployId),
  ].join('');
}

/** one.vm.info's VM (vm.xsd). */
export function vmXml(vm: FakeVm): string {
  const history = vm.history
    .map((h) =>
      [
        '<HISTORY>',
        el('OID', vm.id),
        el('SEQ', h.seq),
        el('HOSTNAME', h.hostname),
        el('HID', h.hid),
        el('CID', 0),
        el('STIME', h.stime),
        el('ETIME', h.etime),
        el('VM_MAD', 'kvm'),
        el('TM_MAD', 'ssh'),
        el('DS_ID', 0),
        el('PLAN_ID', -1),
        el('ACTION_ID', -1),
        el('PSTIME', h.stime),
        el('PETIME', h.stime),
        el('RSTIME', h.stime),
        el('RETIME', h.etime),
        el('ESTIME', 0),
        el('EETIME', 0),
        el('ACTION', h.action),
        el('UID', vm.uid),
        el('GID', 1),
        el('REQUEST_ID', -1),
        '</HISTORY>',
      ].join(''),
    )
    .join('');
  return [
    '<VM>',
    vmHead(vm, true),
    '<MONITORING/>',
    '<SCHED_ACTIONS/>',
    '<TEMPLATE>',
    `<CONTEXT>${attributes(vm.context)}</CONTEXT>`,
    cdata('CPU', vm.cpu),
    cdata('MEMORY', vm.memory),
    cdata('TEMPLATE_ID', String(vm.templateId)),
    cdata('TM_MAD_SYSTEM', 'ssh'),
    cdata('VMID', String(vm.id)),
    '</TEMPLATE>',
    `<USER_TEMPLATE>${attributes(vm.userTemplate)}</USER_TEMPLATE>`,
    `<HISTORY_RECORDS>${history}</HISTORY_RECORDS>`,
    '<BACKUPS><BACKUP_CONFIG/><BACKUP_IDS/></BACKUPS>',
    '</VM>',
  ].join('');
}

/** The USER_TEMPLATE attributes a pool body keeps (SCHED_MESSAGE and free attributes need one.vm.info). */
const shortUserAttributes = [
  'LABELS',
  'SCHED_RANK',
  'SCHED_REQUIREMENTS',
  'SCHED_DS_RANK',
  'SCHED_DS_REQUIREMENTS',
];

function shortUserTemplate(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => shortUserAttributes.includes(k)));
}

/** one.vmpool.info's VM_POOL (vm_pool.xsd: the short form, no CONTEXT, a limited USER_TEMPLATE). */
export function vmPoolXml(vms: readonly FakeVm[]): string {
  const body = vms
    .map((vm) => {
      const history = vm.history
        .map((h) =>
          [
            '<HISTORY>',
            el('OID', vm.id),
            el('SEQ', h.seq),
            el('HOSTNAME', h.hostname),
            el('HID', h.hid),
            el('CID', 0),
            el('DS_ID', 0),
            el('VM_MAD', 'kvm'),
            el('TM_MAD', 'ssh'),
            el('ACTION', h.action),
            '</HISTORY>',
          ].join(''),
        )
        .join('');
      return [
        '<VM>',
        vmHead(vm, false),
        `<TEMPLATE>${cdata('CPU', vm.cpu)}${cdata('MEMORY', vm.memory)}</TEMPLATE>`,
        '<MONITORING/>',
        `<USER_TEMPLATE>${attributes(shortUserTemplate(vm.userTemplate))}</USER_TEMPLATE>`,
        `<HISTORY_RECORDS>${history}</HISTORY_RECORDS>`,
        '</VM>',
      ].join('');
    })
    .join('');
  return `<VM_POOL>${body}</VM_POOL>`;
}

/** One HOST (host.xsd). */
export function hostXml(host: FakeHost, vmIds: readonly number[], cpuUsage: number): string {
  return [
    '<HOST>',
    el('ID', host.id),
    el('NAME', host.name),
    el('STATE', host.state),
    el('PREV_STATE', host.prevState),
    el('IM_MAD', 'kvm'),
    el('VM_MAD', 'kvm'),
    el('CLUSTER_ID', 0),
    el('CLUSTER', 'default'),
    '<HOST_SHARE>',
    el('MEM_USAGE', 0),
    el('CPU_USAGE', cpuUsage),
    el('TOTAL_MEM', 16777216),
    el('TOTAL_CPU', host.totalCpu),
    el('MAX_MEM', 16777216),
    el('MAX_CPU', host.totalCpu),
    el('RUNNING_VMS', vmIds.length),
    el('VMS_THREAD', 1),
    '<DATASTORES>',
    el('DISK_USAGE', 0),
    el('FREE_DISK', 100000),
    el('MAX_DISK', 100000),
    el('USED_DISK', 0),
    '</DATASTORES>',
    '<PCI_DEVICES/>',
    '<NUMA_NODES/>',
    '</HOST_SHARE>',
    `<VMS>${vmIds.map((id) => el('ID', id)).join('')}</VMS>`,
    `<TEMPLATE>${attributes(host.attributes)}</TEMPLATE>`,
    '<MONITORING/>',
    '</HOST>',
  ].join('');
}

/** one.hostpool.info's HOST_POOL (host_pool.xsd). */
export function hostPoolXml(hosts: readonly string[]): string {
  return `<HOST_POOL>${hosts.join('')}</HOST_POOL>`;
}

/** One VMTEMPLATE (vmtemplate.xsd). */
export function templateXml(template: FakeTemplate): string {
  return [
    '<VMTEMPLATE>',
    el('ID', template.id),
    el('UID', template.uid),
    el('GID', 1),
    el('UNAME', template.uname),
    el('GNAME', 'users'),
    el('NAME', template.name),
    permissions,
    el('REGTIME', template.regtime),
    '<TEMPLATE>',
    `<CONTEXT>${attributes(template.context)}</CONTEXT>`,
    cdata('CPU', template.cpu),
    cdata('MEMORY', template.memory),
    attributes(template.attributes),
    '</TEMPLATE>',
    '</VMTEMPLATE>',
  ].join('');
}

/** one.templatepool.info's VMTEMPLATE_POOL. */
export function templatePoolXml(templates: readonly FakeTemplate[]): string {
  return `<VMTEMPLATE_POOL>${templates.map(templateXml).join('')}</VMTEMPLATE_POOL>`;
}
