/**
 * one.template.instantiate's template rules in the fake (protocol-facts.md, OpenNebula's
 * oned.conf and API reference): the extra template's attributes replace the template's attributes
 * of the same name (a CONTEXT in the extra replaces the whole CONTEXT); what is not CPU, MEMORY,
 * VCPU or CONTEXT ends in the VM's USER_TEMPLATE (SCHED_REQUIREMENTS among them); an account
 * other than oneadmin may not pass a restricted attribute (oned.conf's default
 * VM_RESTRICTED_ATTR list) in the extra template.
 */
import { oneVector, type OneTemplate } from '../../../runner/core/opennebula/one-template';
import type { FakeTemplate } from './fake-one-types';

/** oned.conf's default VM_RESTRICTED_ATTR: `VECTOR/NAME` or `NAME`; `*` matches a part of a name. */
export const restrictedAttributes = [
  'CONTEXT/FILES',
  'NIC/MAC',
  'NIC/VLAN_ID',
  'NIC/BRIDGE',
  'NIC_DEFAULT/MAC',
  'NIC_DEFAULT/VLAN_ID',
  'NIC_DEFAULT/BRIDGE',
  'DISK/TOTAL_BYTES_SEC',
  'DISK/READ_BYTES_SEC',
  'DISK/WRITE_BYTES_SEC',
  'DISK/TOTAL_IOPS_SEC',
  'DISK/READ_IOPS_SEC',
  'DISK/WRITE_IOPS_SEC',
  'CPU_COST',
  'MEMORY_COST',
  'DISK_COST',
  'PCI',
  'USER_INPUTS',
] as const;

/** The first restricted attribute `extra` carries (`CONTEXT/FILES`), or null. */
export function restrictedAttributeIn(extra: OneTemplate): string | null {
  for (const restricted of restrictedAttributes) {
    const [name, inner] = restricted.split('/') as [string, string | undefined];
    const value = extra[name];
    if (value === undefined) continue;
    if (!inner) return restricted;
    if (Array.isArray(value) && value.some((vector) => inner in vector)) return restricted;
  }
  return null;
}

/** What a new VM gets from its template and the extra template. */
export interface InstantiatedTemplate {
  cpu: string;
  memory: string;
  context: Record<string, string>;
  userTemplate: Record<string, string>;
}

/** Merge as OpenNebula does: same-named attributes of the extra replace the template's. */
export function instantiatedTemplate(template: FakeTemplate, extra: OneTemplate): InstantiatedTemplate {
  const userTemplate: Record<string, string> = { ...template.attributes };
  for (const [key, value] of Object.entries(extra))
    if (typeof value === 'string' && !['CPU', 'MEMORY', 'VCPU', 'NAME'].includes(key))
      userTemplate[key] = value;
  return {
    cpu: typeof extra.CPU === 'string' ? extra.CPU : template.cpu,
    memory: typeof extra.MEMORY === 'string' ? extra.MEMORY : template.memory,
    context: extra.CONTEXT ? { ...oneVector(extra, 'CONTEXT') } : { ...template.context },
    userTemplate,
  };
}
