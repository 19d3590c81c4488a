import { expect, test } from 'vitest';
import { localCommandEnv } from '../../../../../electron/services/host/local-host';

test('this executable inside Electron runs as Node; anything else gets the plain child environment', () => {
  const electron = { execPath: '/opt/Coin Admin/coin-admin', electron: '40.8.5' };
  expect(localCommandEnv('/opt/Coin Admin/coin-admin', electron).ELECTRON_RUN_AS_NODE).toBe('1');
  expect(localCommandEnv('git', electron).ELECTRON_RUN_AS_NODE).toBeUndefined();
  const node = { execPath: '/usr/bin/node', electron: undefined };
  expect(localCommandEnv('/usr/bin/node', node).ELECTRON_RUN_AS_NODE).toBeUndefined();
});
