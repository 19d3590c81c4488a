import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainPaths } from '../../../../electron/main/main-paths';

describe('mainPaths', () => {
  it('finds the preload beside the main bundle and the renderer beside its directory', () => {
    const bundleDir = path.join('/app', 'build', 'out', 'electron');
    expect(mainPaths(bundleDir)).toEqual({
      preload: path.join('/app', 'build', 'out', 'electron', 'preload.cjs'),
      rendererDir: path.join('/app', 'build', 'out', 'renderer'),
    });
  });
});
