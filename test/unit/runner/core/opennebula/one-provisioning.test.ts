// The pure parts of issue 13's OpenNebula rules: which states take terminate, how a scheduler
// message is read, what a VM's CONTEXT carries, and the provisioned template sets with rollback.
import { describe, expect, test } from 'vitest';
import {
  ctimeText,
  formatSchedMessage,
  parseSchedMessage,
  pendingReason,
} from '../../../../../runner/core/opennebula/one-sched-message';
import { lcmStateNames, terminateAccepted, vmStates } from '../../../../../runner/core/opennebula/one-states';
import {
  agentExtraTemplate,
  oneVector,
  parseOneTemplate,
} from '../../../../../runner/core/opennebula/one-template';
import {
  noTemplateSets,
  parseTemplateSets,
  recordTemplateSet,
  rollBackTemplateSet,
  templateAge,
  templateInUse,
  type TemplateSet,
} from '../../../../../runner/core/opennebula/one-template-sets';

const lcm = (name: string) => lcmStateNames.indexOf(name);

describe('terminate by state', () => {
  test('every *_FAILURE and outside ACTIVE accepted; transient ACTIVE states refused', () => {
    expect(terminateAccepted(vmStates.ACTIVE, lcm('BOOT_FAILURE'), true)).toBe(true);
    expect(terminateAccepted(vmStates.ACTIVE, lcm('PROLOG_MIGRATE_UNKNOWN_FAILURE'), false)).toBe(true);
    expect(terminateAccepted(vmStates.POWEROFF, 0, true)).toBe(true);
    expect(terminateAccepted(vmStates.ACTIVE, lcm('PROLOG'), true)).toBe(false);
    expect(terminateAccepted(vmStates.ACTIVE, lcm('EPILOG'), true)).toBe(false);
    expect(terminateAccepted(vmStates.ACTIVE, lcm('SHUTDOWN'), true)).toBe(true);
    expect(terminateAccepted(vmStates.ACTIVE, lcm('SHUTDOWN'), false)).toBe(false);
  });
});

describe('SCHED_MESSAGE', () => {
  test('ctime text, the reason without the expression, the requirements once', () => {
    expect(ctimeText(new Date('2026-12-04T08:05:09Z'))).toBe('Fri Dec  4 08:05:09 2026');
    const text = formatSchedMessage(
      new Date('2026-12-04T08:05:09Z'),
      'No host meets capacity and SCHED_REQUIREMENTS: !(PUBLIC_CLOUD = YES) & ( NESTED_VIRT = true )',
    );
    expect(parseSchedMessage(text)).toEqual({
      at: 'Fri Dec  4 08:05:09 2026',
      reason: 'No host meets capacity and SCHED_REQUIREMENTS',
      aboutRequirements: true,
    });
    expect(pendingReason(text, 'NESTED_VIRT = true')).toBe(
      'No host meets capacity and SCHED_REQUIREMENTS (NESTED_VIRT = true)',
    );
    expect(
      pendingReason('Fri Dec  4 08:05:09 2026: Cannot dispatch VM: No hosts enabled to run VMs', 'X = 1'),
    ).toBe('No hosts enabled to run VMs');
    // another shape (OpenNebula 7, not verified): as it is
    expect(pendingReason('Not enough capacity in cluster 0', undefined)).toBe(
      'Not enough capacity in cluster 0',
    );
    expect(pendingReason(undefined, 'X = 1')).toBe('');
  });
});

test("a VM's CONTEXT: the template's own values but FILES, and the agent's three", () => {
  const extra = parseOneTemplate(
    agentExtraTemplate({
      baseContext: { NETWORK: 'YES', FILES: '/srv/a.sh', START_SCRIPT_BASE64: 'eA==' },
      masterUrl: 'http://10.0.0.1:8080/coin',
      token: 't',
      agentId: 'vm-1',
    }),
  );
  expect(oneVector(extra, 'CONTEXT')).toEqual({
    NETWORK: 'YES',
    START_SCRIPT_BASE64: 'eA==',
    COIN_MASTER_URL: 'http://10.0.0.1:8080/coin',
    COIN_AGENT_TOKEN: 't',
    COIN_AGENT_ID: 'vm-1',
  });
});

describe('provisioned template sets', () => {
  const set = (date: string, id: number): TemplateSet => ({
    recordedAt: `${date}T12:00:00.000Z`,
    date,
    templates: [{ base: 'b', clone: `b-provisioned-${date}`, id, registeredAt: `${date}T11:00:00.000Z` }],
  });

  test('record, the same clones again, rollback to the set before and to the base templates', () => {
    const one = recordTemplateSet(noTemplateSets, set('2026-11-28', 5));
    expect(templateInUse(one, 'b')).toBe('b-provisioned-2026-11-28');
    expect(templateInUse(one, 'other')).toBe('other');
    expect(recordTemplateSet(one, set('2026-11-28', 5)).previous).toEqual([]);
    const two = recordTemplateSet(one, set('2026-11-29', 6));
    expect(two.previous.map((s) => s.date)).toEqual(['2026-11-28']);
    const back = rollBackTemplateSet(two)!;
    expect(templateInUse(back, 'b')).toBe('b-provisioned-2026-11-28');
    const base = rollBackTemplateSet(back)!;
    expect(templateInUse(base, 'b')).toBe('b');
    expect(rollBackTemplateSet(base)).toBeUndefined();
  });

  test('the record file: none is no provisioning, a wrong one is reported; ages', () => {
    expect(parseTemplateSets(undefined)).toEqual(noTemplateSets);
    expect(parseTemplateSets('{"current": 3}')).toBeUndefined();
    expect(
      parseTemplateSets(JSON.stringify(recordTemplateSet(noTemplateSets, set('2026-11-28', 5)))),
    ).toMatchObject({
      current: { date: '2026-11-28' },
    });
    const now = new Date('2026-12-04T12:00:00Z');
    expect(templateAge('2026-12-04T11:48:00Z', now)).toBe('12 min');
    expect(templateAge('2026-12-04T02:00:00Z', now)).toBe('10 h');
    expect(templateAge('2026-11-28T11:00:00Z', now)).toBe('6 d');
  });
});
