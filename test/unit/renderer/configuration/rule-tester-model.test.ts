import { expect, test } from 'vitest';
import { runtimeConfigSchema } from '../../../../runner/core/runtime-config/config-schema';
import {
  configurationRows,
  laneRows,
  parseTriedConfiguration,
  summarise,
} from '../../../../renderer/src/areas/configuration/rule-tester-model';

const saved = runtimeConfigSchema.parse({
  gerrit_monitor: { parallel_project_rules: ['qt/qtdeclarative/dev'] },
});
const edited = runtimeConfigSchema.parse({
  gerrit_monitor: { parallel_project_rules: ['qt/qtbase/.*', 'qt/qtbase/dev'] },
  opennebula: {
    sched_rules: [
      { SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'target.os': 'QNX|Android' } },
      { SCHED_REQUIREMENTS: 'HOST_ARCH = "arm"', match: { 'host.arch': 'ARM64' } },
    ],
  },
});

test('each known project/branch shows the rules matching it, and whether that changed from the saved file', () => {
  const rows = laneRows(
    [
      { lane: 'qt/qtbase/dev', tasks: 3 },
      { lane: 'qt/qtdeclarative/dev', tasks: 2 },
      { lane: 'qt/qtbase/dev2', tasks: 1 },
      { lane: 'qt/qtsvg/dev', tasks: 1 },
    ],
    edited,
    saved,
  );
  expect(rows.map((r) => [r.lane, r.matching, r.savedMatching, r.changed])).toEqual([
    ['qt/qtbase/dev', ['qt/qtbase/.*', 'qt/qtbase/dev'], [], true],
    ['qt/qtdeclarative/dev', [], ['qt/qtdeclarative/dev'], true],
    ['qt/qtbase/dev2', ['qt/qtbase/.*'], [], true],
    ['qt/qtsvg/dev', [], [], false],
  ]);
});

test('each configuration shows the sched rules that apply and the SCHED_REQUIREMENTS it would get', () => {
  const rows = configurationRows(
    [
      {
        id: 'qnx',
        source: 'platform configurations',
        workItems: 4,
        properties: { target: { os: 'QNX' }, 'host.arch': 'ARM64' },
      },
      {
        id: 'linux',
        source: 'local host',
        workItems: 0,
        properties: { 'target.os': 'Linux', 'host.arch': 'X86_64' },
      },
      { id: 'remote-only', source: 'task history', workItems: 2, properties: null },
    ],
    edited,
    saved,
  );
  expect(rows.map((r) => [r.id, r.applying, r.requirements, r.savedRequirements, r.changed])).toEqual([
    ['qnx', [0, 1], '(NESTED_VIRT = true) & (HOST_ARCH = "arm")', undefined, true],
    ['linux', [], undefined, undefined, false],
    ['remote-only', null, undefined, undefined, false],
  ]);
  expect(rows[1]!.summary).toBe('host.arch=X86_64 · target.os=Linux');
});

test('a configuration typed in is attribute=value pairs; | makes a list', () => {
  expect(parseTriedConfiguration('target.os=QNX, features=Sccache|UseConfigure')).toEqual({
    'target.os': 'QNX',
    features: ['Sccache', 'UseConfigure'],
  });
  expect(parseTriedConfiguration('target.os')).toBeUndefined();
  expect(parseTriedConfiguration('  ')).toBeUndefined();
  expect(summarise({ features: ['A', 'B'], 'host.os': 'Linux' })).toBe('host.os=Linux · features=A,B');
});
