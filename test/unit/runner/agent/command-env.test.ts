import { expect, test } from 'vitest';
import { commandEnv } from '../../../../runner/agent/work-item-runner';

test("a work item's commands get the clean environment without the agent's ELECTRON_RUN_AS_NODE", () => {
  const agent = { PATH: '/usr/bin', HOME: '/home/ci', ELECTRON_RUN_AS_NODE: '1', GIT_DIR: '/x' };
  expect(commandEnv({ QT_CI: '1' }, agent)).toEqual({ PATH: '/usr/bin', HOME: '/home/ci', QT_CI: '1' });
  // A module that sets it on purpose keeps it.
  expect(commandEnv({ ELECTRON_RUN_AS_NODE: '1' }, agent).ELECTRON_RUN_AS_NODE).toBe('1');
});
