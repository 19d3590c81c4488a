import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asarUnpackedPath, layoutFor, runnerLayout } from '../../../../runner/node/runner-layout';

const root = path.resolve(import.meta.dirname, '..', '..', '..', '..');

describe('layoutFor', () => {
  it('in a checkout: the tsx scripts under runner/ and the web assets in build/out', () => {
    expect(layoutFor('checkout', path.join('/src/coin', 'runner', 'node'))).toEqual({
      kind: 'checkout',
      coinScript: path.join('/src/coin', 'runner', 'cli', 'coin.mjs'),
      agentScript: path.join('/src/coin', 'runner', 'agent', 'agent.mjs'),
      maintenanceScript: path.join('/src/coin', 'runner', 'node', 'maintenance', 'maintenance.mjs'),
      rendererDir: path.join('/src/coin', 'build', 'out', 'renderer'),
      docsDir: path.join('/src/coin', 'build', 'out', 'docs'),
      checkoutRoot: '/src/coin',
    });
  });

  it('in a bundle: the bundles in build/out/runner, seen from the runner or the main bundle alike', () => {
    const out = path.join('/src/coin', 'build', 'out');
    const expected = {
      kind: 'bundle',
      coinScript: path.join(out, 'runner', 'coin.cjs'),
      agentScript: path.join(out, 'runner', 'agent.cjs'),
      maintenanceScript: path.join(out, 'runner', 'maintenance.cjs'),
      rendererDir: path.join(out, 'renderer'),
      docsDir: path.join(out, 'docs'),
      checkoutRoot: null,
    };
    expect(layoutFor('bundle', path.join(out, 'runner'))).toEqual(expected);
    expect(layoutFor('bundle', path.join(out, 'electron'))).toEqual(expected);
  });

  it('in a packaged app: the files unpacked from app.asar, even seen from the main bundle inside it', () => {
    const resources = path.join('/opt', 'Coin Admin', 'resources');
    const layout = layoutFor('bundle', path.join(resources, 'app.asar', 'build', 'out', 'electron'));
    const unpacked = path.join(resources, 'app.asar.unpacked', 'build', 'out');
    expect(layout.coinScript).toBe(path.join(unpacked, 'runner', 'coin.cjs'));
    expect(layout.agentScript).toBe(path.join(unpacked, 'runner', 'agent.cjs'));
    expect(layout.rendererDir).toBe(path.join(unpacked, 'renderer'));
    expect(layoutFor('bundle', path.join(unpacked, 'runner'))).toEqual(layout);
  });

  it('is this checkout when not bundled', () => {
    expect(runnerLayout).toMatchObject({
      kind: 'checkout',
      coinScript: path.join(root, 'runner', 'cli', 'coin.mjs'),
      checkoutRoot: root,
    });
  });
});

describe('asarUnpackedPath', () => {
  it('moves a path in app.asar to app.asar.unpacked and leaves others alone', () => {
    expect(asarUnpackedPath('/opt/app/resources/app.asar/build/out')).toBe(
      '/opt/app/resources/app.asar.unpacked/build/out',
    );
    expect(asarUnpackedPath('/opt/app/resources/app.asar')).toBe('/opt/app/resources/app.asar.unpacked');
    expect(asarUnpackedPath('C:\\Coin Admin\\resources\\app.asar\\build')).toBe(
      'C:\\Coin Admin\\resources\\app.asar.unpacked\\build',
    );
    for (const unchanged of [
      '/opt/app/resources/app.asar.unpacked/build',
      '/home/me/app.asarx/build',
      '/home/me/my-app.asar/build',
      '/src/coin/build/out',
    ])
      expect(asarUnpackedPath(unchanged)).toBe(unchanged);
  });
});
