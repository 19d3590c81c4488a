import { expect, test } from 'vitest';
import { defaultRuntimeConfig } from '../../../../runner/core/runtime-config/config-schema';
import { lenientConfig } from '../../../../renderer/src/areas/configuration/lenient-config';

test('a valid value gives exactly its checked configuration, defaults filled in', () => {
  const { config, skipped } = lenientConfig({
    gerrit_monitor: { parallel_project_rules: ['qt/qtbase/dev'] },
  });
  expect(skipped).toEqual([]);
  expect(config.gerrit_monitor).toEqual({
    ...defaultRuntimeConfig.gerrit_monitor,
    parallel_project_rules: ['qt/qtbase/dev'],
  });
});

test('entries with errors are left out one by one, and named', () => {
  const { config, skipped } = lenientConfig({
    gerrit_monitor: {
      parallel_project_rules: ['qt/qtbase/.*', 'qt/(broken', ''],
      parallel_integration_delay: -5,
      disable_cherry_pick_delay: true,
      parallel_integration_dealy: 3,
    },
    opennebula: {
      sched_rules: [
        { SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'target.os': 'QNX' } },
        { SCHED_REQUIREMENTS: 'X', match: {} },
      ],
    },
  });
  expect(config.gerrit_monitor).toEqual({
    ...defaultRuntimeConfig.gerrit_monitor,
    parallel_project_rules: ['qt/qtbase/.*'],
    disable_cherry_pick_delay: true,
  });
  expect(config.opennebula.sched_rules).toEqual([
    { SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'target.os': 'QNX' } },
  ]);
  expect(skipped).toEqual([
    'gerrit_monitor.parallel_integration_delay',
    'gerrit_monitor.parallel_project_rules[1]',
    'gerrit_monitor.parallel_project_rules[2]',
    'opennebula.sched_rules[1]',
  ]);
});

test('a section of the wrong type is left out; nothing at all gives the defaults', () => {
  expect(lenientConfig({ gerrit_monitor: [] })).toEqual({
    config: defaultRuntimeConfig,
    skipped: ['gerrit_monitor'],
  });
  expect(lenientConfig(undefined)).toEqual({ config: defaultRuntimeConfig, skipped: [] });
});
