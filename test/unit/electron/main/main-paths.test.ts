import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronDataDir, mainPaths } from '../../../../electron/main/main-paths';

describe('mainPaths', () => {
  it('finds the preload beside the main bundle and the renderer beside its directory', () => {
    const bundleDir = path.join('/app', 'build', 'out', 'electron');
    expect(mainPaths(bundleDir)).toEqual({
      preload: path.join('/app', 'build', 'out', 'electron', 'preload.cjs'),
      rendererDir: path.join('/app', 'build', 'out', 'renderer'),
    });
  });
});

describe('electronDataDir', () => {
  it("uses Electron's userData unless COIN_ADMIN_DATA_DIR says otherwise", () => {
    expect(electronDataDir('/home/me/.config/Coin Admin', {})).toBe('/home/me/.config/Coin Admin');
    expect(electronDataDir('/home/me/.config/Coin Admin', { COIN_ADMIN_DATA_DIR: '/data' })).toBe('/data');
  });
});
