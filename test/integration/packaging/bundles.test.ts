// The Electron and runner bundles as built (test/integration/global-setup.ts builds them once):
// CommonJS, with native modules left to require(); the bundled coin CLI started from the
// repository root as a packager or user starts it; dist.mjs without an Electron distribution.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitModule, startCoin } from '../../helpers/coin-process';
import { cleanEnv, distScript, root, run, runnerOutDir, outDir } from '../../helpers/packaging';
import { runCoin, type CoinLaunch } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

let temp: TempDir | undefined;

async function tempDir(): Promise<string> {
  temp = await makeTempDir('packaging-');
  return temp.path;
}

afterEach(async () => {
  await temp?.remove();
  temp = undefined;
});

describe('the Electron bundles', () => {
  it('main.cjs and preload.cjs are CommonJS; the preload requires nothing but electron', async () => {
    const preload = await fsp.readFile(path.join(outDir, 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld');
    const main = await fsp.readFile(path.join(outDir, 'main.cjs'), 'utf8');
    expect(main).not.toMatch(/\bimport\.meta\b/);
    expect(main).toContain('require("better-sqlite3")');
  });

  it('the runner bundles are CommonJS with better-sqlite3 left to require()', async () => {
    // That they need nothing else outside themselves, the packaged app's runner shows below: it
    // runs from a directory where only better-sqlite3 and its dependencies can be found.
    for (const name of ['coin.cjs', 'agent.cjs', 'maintenance.cjs']) {
      const bundle = await fsp.readFile(path.join(runnerOutDir, name), 'utf8');
      expect(bundle, name).not.toMatch(/\bimport\.meta\b/);
      expect(bundle, name).toMatch(/^"use strict";/);
    }
    const coin = await fsp.readFile(path.join(runnerOutDir, 'coin.cjs'), 'utf8');
    expect(coin).toContain('require("better-sqlite3")');
    expect(coin).not.toContain('node_modules/better-sqlite3/lib');
  });

  it('node build/out/runner/coin.cjs, from the repository root: --help, then a real integration', async () => {
    // As a packager or a user of the bundle starts it: plain Node on the file, from the checkout.
    const bundled: CoinLaunch = {
      command: [process.execPath, 'build/out/runner/coin.cjs'],
      env: cleanEnv(),
      cwd: root,
    };
    const help = await runCoin(['--help'], { launch: bundled });
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}integrate /m);
    const dir = await tempDir();
    const sha = await commitModule(dir, 'demo/tool', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    const coin = await startCoin(path.join(dir, 'work'), [], bundled);
    try {
      const result = await runCoin(
        [
          'integrate',
          path.join(dir, 'demo/tool'),
          '--ref',
          'main',
          '--working-dir',
          path.join(dir, 'work'),
          '--wait',
          '--json',
        ],
        { launch: bundled, timeoutMs: 90_000 },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ state: 'Passed', sha });
    } finally {
      expect(await coin.stop()).toBe(0);
    }
  });
});

describe('dist.mjs', () => {
  it.skipIf(fs.existsSync(path.join(root, 'node_modules/electron/dist')))(
    'without an Electron distribution, fails with one line that says how to provide one',
    async () => {
      const failure = await run(process.execPath, [distScript, '--dir'], { cwd: root, env: cleanEnv() }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      const lines = failure?.stderr.trim().split('\n') ?? [];
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^dist: no Electron distribution: pass --electron-dist DIR or set ELECTRON_DIST=DIR/,
      );
    },
  );
});
