import { describe, expect, test } from 'vitest';
import {
  hostViewState,
  lcmStateNames,
  oneErrorName,
  vmPhase,
  vmStateLabel,
} from '../../../../../runner/core/opennebula/one-states';
import {
  agentExtraTemplate,
  formatOneTemplate,
  oneVector,
  parseOneTemplate,
} from '../../../../../runner/core/opennebula/one-template';

describe('OpenNebula states', () => {
  test('VM phases from STATE and LCM_STATE', () => {
    expect(vmPhase(1, 0)).toBe('pending');
    expect(vmPhase(2, 0)).toBe('pending');
    expect(vmPhase(3, 1)).toBe('booting');
    expect(vmPhase(3, 2)).toBe('booting');
    expect(vmPhase(3, 3)).toBe('running');
    expect(vmPhase(3, 36)).toBe('failed');
    expect(vmPhase(3, 39)).toBe('failed');
    expect(vmPhase(11, 0)).toBe('failed');
    expect(vmPhase(6, 0)).toBe('gone');
    expect(vmPhase(8, 0)).toBe('other');
    expect(lcmStateNames).toHaveLength(72);
    expect(vmStateLabel(3, 36)).toBe('ACTIVE/BOOT_FAILURE');
    expect(vmStateLabel(1, 0)).toBe('PENDING');
  });

  test('host states as the Hosts view shows them, error names', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(hostViewState)).toEqual([
      'off',
      'on',
      'on',
      'error',
      'disabled',
      'error',
      'off',
      'disabled',
      'off',
    ]);
    expect(oneErrorName(0x100)).toBe('AUTHENTICATION');
    expect(oneErrorName(0x800)).toBe('ACTION');
    expect(oneErrorName(0x3)).toBe('0x0003');
  });
});

describe('OpenNebula template text', () => {
  test('written and read back, quotes and backslashes escaped', () => {
    const text = agentExtraTemplate({
      baseContext: { NETWORK: 'YES', SSH_PUBLIC_KEY: '$USER[SSH_PUBLIC_KEY]' },
      masterUrl: 'http://10.1.2.3:8080/coin',
      token: 'a"b\\c',
      agentId: 'vm-1f',
      schedRequirements: '(NESTED_VIRT = true) & (NAME = "aquila*")',
    });
    expect(text).toBe(
      [
        'CONTEXT = [',
        '  NETWORK = "YES",',
        '  SSH_PUBLIC_KEY = "$USER[SSH_PUBLIC_KEY]",',
        '  COIN_MASTER_URL = "http://10.1.2.3:8080/coin",',
        '  COIN_AGENT_TOKEN = "a\\"b\\\\c",',
        '  COIN_AGENT_ID = "vm-1f" ]',
        'SCHED_REQUIREMENTS = "(NESTED_VIRT = true) & (NAME = \\"aquila*\\")"',
      ].join('\n'),
    );
    const parsed = parseOneTemplate(text);
    expect(oneVector(parsed, 'CONTEXT').COIN_AGENT_TOKEN).toBe('a"b\\c');
    expect(parsed.SCHED_REQUIREMENTS).toBe('(NESTED_VIRT = true) & (NAME = "aquila*")');
  });

  test('bare values, comments, repeated vectors, lower-case names; errors say where', () => {
    const parsed = parseOneTemplate(
      '# a VM\ncpu = 1\nDISK = [ IMAGE_ID = 3 ]\nDISK=[IMAGE_ID=4,SIZE="10"]\n',
    );
    expect(parsed).toEqual({ CPU: '1', DISK: [{ IMAGE_ID: '3' }, { IMAGE_ID: '4', SIZE: '10' }] });
    expect(() => parseOneTemplate('A = "open')).toThrow(/unterminated string/);
    expect(() => parseOneTemplate('A = [ B = 1 C = 2 ]')).toThrow(/expected ',' or ']'/);
    expect(() => formatOneTemplate({ 'bad name': 'x' })).toThrow(/not a template attribute name/);
  });
});
