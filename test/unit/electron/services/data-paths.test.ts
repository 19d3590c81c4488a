import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { defaultDataDir, localInstanceDir } from '../../../../electron/services/data-paths';

test('COIN_ADMIN_DATA_DIR wins everywhere (tests, portable use)', () => {
  expect(defaultDataDir({ COIN_ADMIN_DATA_DIR: '/data' }, 'linux')).toBe('/data');
  expect(defaultDataDir({ COIN_ADMIN_DATA_DIR: '/data' }, 'darwin')).toBe('/data');
});

test('each platform keeps data where its users expect it', () => {
  const home = os.homedir();
  expect(defaultDataDir({}, 'linux')).toBe(path.join(home, '.local', 'share', 'coin-admin'));
  expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux')).toBe(path.join('/xdg', 'coin-admin'));
  expect(defaultDataDir({}, 'darwin')).toBe(path.join(home, 'Library', 'Application Support', 'Coin Admin'));
  expect(defaultDataDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toBe(
    path.join('C:\\Users\\me\\AppData\\Roaming', 'Coin Admin'),
  );
});

test('the local instance has its own working directory inside the data directory', () => {
  expect(localInstanceDir('/data')).toBe(path.join('/data', 'local-instance'));
});
