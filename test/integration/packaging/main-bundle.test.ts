// The Electron main bundle, checked without the Electron binary (it cannot be downloaded here): it
// runs in plain Node against a recording stand-in for the `electron` module.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deskChannels } from '../../../electron/common/desk-channels';
import { runMainBundle } from '../../helpers/main-bundle-harness';
import { root, run, runnerOutDir, outDir } from '../../helpers/packaging';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let temp: TempDir | undefined;

async function tempDir(): Promise<string> {
  temp = await makeTempDir('packaging-');
  return temp.path;
}

afterEach(async () => {
  await temp?.remove();
  temp = undefined;
});

describe('the main bundle, run in Node against a stand-in electron module', () => {
  it('registers DeskApi, secures the session and opens the app window', async () => {
    const dir = await tempDir();
    const result = await runMainBundle(dir);
    const { stdout: revision } = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root });

    expect(result.channels.sort()).toEqual(Object.values(deskChannels).sort());
    expect(result.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(result.window.url).toBe('app://coin-admin/index.html');
    expect(result.window.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    // import.meta.dirname became the bundle's own directory.
    expect(result.window.webPreferences.preload).toBe(path.join(outDir, 'preload.cjs'));
    // COIN_REVISION was fixed at bundle time; cwd and env here have no git.
    expect(result.appInfo).toMatchObject({
      ok: true,
      value: { shell: 'electron', revision: revision.trim(), name: 'Coin Admin' },
    });
    expect(result.foreign.ok).toBe(false);
    expect(result.foreign.message).toContain('"code":"forbidden"');
    expect(result.badInput.message).toContain('"code":"bad-input"');
  });

  it('sets the app menu and a tray icon for the pinned instance', async () => {
    const dir = await tempDir();
    const result = await runMainBundle(dir);
    expect(result.menu).toEqual(['File', 'Edit', 'View', 'Go', 'Window', 'Help']);
    expect(result.tray.tooltip).toBe('Coin Admin: no instance pinned');
    expect(result.tray.menu).toEqual([
      'No instance pinned',
      'separator',
      'Show Coin Admin',
      'Quit Coin Admin',
    ]);
    expect(result.tray.image.pngBytes).toBeGreaterThan(50);
  });

  it('reopens the window maximised where it was, moved back onto a display that is still there', async () => {
    const dir = await tempDir();
    const saved = { bounds: { x: 3000, y: 200, width: 1000, height: 700 }, maximized: true };
    await fsp.writeFile(path.join(dir, 'window-state.json'), JSON.stringify(saved));
    const { window } = await runMainBundle(dir);
    expect(window.maximized).toBe(true);
    expect(window.bounds).toEqual({ x: 460, y: 170, width: 1000, height: 700 });
  });

  it('a second launch quits at once without opening a window', async () => {
    const dir = await tempDir();
    const result = (await runMainBundle(dir, { FAKE_SECOND_INSTANCE: '1' })) as unknown as {
      quit: boolean;
      windows: number;
      tray: unknown;
    };
    expect(result).toEqual({ quit: true, windows: 0, tray: null });
  });

  it("hosts a local runner with the checkout's coin CLI, through IPC", async () => {
    const dir = await tempDir();
    const workingDir = path.join(dir, 'runner-work');
    const { runner } = await runMainBundle(dir, { FAKE_START_RUNNER: workingDir });
    expect(runner?.started).toMatchObject({
      ok: true,
      value: { workingDir, phase: 'running', problem: null },
    });
    // Stopped at once, it may not have installed its SIGTERM handler yet: exit 0 or SIGTERM, both clean.
    expect(runner?.stopped).toMatchObject({
      ok: true,
      value: { phase: 'stopped', problem: null, exit: { requested: true } },
    });
    // What it ran, from /proc (Linux only).
    if (process.platform === 'linux' && runner) {
      expect(runner.process).not.toBeNull();
      expect(runner.process!.argv.slice(1, 3)).toEqual([path.join(root, 'runner/cli/coin.mjs'), 'run']);
      expect(runner.process!.env.filter((v) => v.startsWith('ELECTRON_RUN_AS_NODE='))).toEqual([]);
    }
  });

  it('packaged, hosts a local runner with the bundled coin CLI under its own executable as Node', async () => {
    const dir = await tempDir();
    const workingDir = path.join(dir, 'runner-work');
    const { runner } = await runMainBundle(dir, { FAKE_START_RUNNER: workingDir, FAKE_PACKAGED: '1' });
    expect(runner?.started).toMatchObject({
      ok: true,
      value: { workingDir, phase: 'running', problem: null },
    });
    expect(runner?.stopped).toMatchObject({ ok: true, value: { phase: 'stopped', problem: null } });
    // What it ran, from /proc (Linux only).
    if (process.platform === 'linux' && runner) {
      expect(runner.process).not.toBeNull();
      // process.execPath of the stand-in app is this Node.
      expect(runner.process!.argv.slice(0, 3)).toEqual([
        process.execPath,
        path.join(runnerOutDir, 'coin.cjs'),
        'run',
      ]);
      expect(runner.process!.env).toContain('ELECTRON_RUN_AS_NODE=1');
    }
  });

  it('runs the doctor in the local instance directory, loading better-sqlite3 from outside the bundle', async () => {
    const dir = await tempDir();
    const { doctor } = await runMainBundle(dir);
    expect(doctor.ok).toBe(true);
    expect(doctor.value?.workingDir).toBe(path.join(dir, 'local-instance'));
    expect(doctor.value?.checks).toContainEqual(expect.objectContaining({ id: 'sqlite', status: 'ok' }));
  });

  it('puts the CSP on responses, denies permissions and serves only the renderer build', async () => {
    const dir = await tempDir();
    const result = await runMainBundle(dir);
    expect(result.headers.responseHeaders['X-Seen']).toEqual(['1']);
    expect(result.headers.responseHeaders['Content-Security-Policy']?.[0]).toMatch(/^default-src 'self';/);
    expect(result.permission).toBe(false);
    expect(result.permissionCheck).toBe(false);
    expect(result.outside.status).toBe(404);
    if (fs.existsSync(path.join(root, 'build/out/renderer/index.html'))) {
      expect(result.index.status).toBe(200);
      expect(result.index.csp).toMatch(/^default-src 'self';/);
    }
  });
});
