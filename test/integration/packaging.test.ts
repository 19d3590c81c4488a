// The Electron bundles and the packaged app, as far as they can be checked without the Electron
// binary (it cannot be downloaded here): the main bundle runs in plain Node against a recording
// stand-in for the `electron` module, and electron-builder packages the app against a fabricated
// local Electron distribution.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { deskChannels } from '../../electron/common/desk-channels';
import { promisify } from 'node:util';
import { listPackage, extractFile } from '@electron/asar';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const outDir = path.join(root, 'build', 'out', 'electron');
const electronVersion = (
  JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Only PATH and HOME: no ELECTRON_DIST or COIN_* from the developer's shell. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

let temp: TempDir | undefined;

async function tempDir(): Promise<string> {
  temp = await makeTempDir('packaging-');
  return temp.path;
}

afterEach(async () => {
  await temp?.remove();
  temp = undefined;
});

beforeAll(async () => {
  await run(process.execPath, [path.join(root, 'build/bundle-electron.mjs')], { cwd: root, env: cleanEnv() });
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
});

/**
 * Loaded with `node -r` before main.cjs: answers require('electron') with recording stand-ins,
 * lets the app start, then calls what main registered and prints the outcome as JSON.
 */
const fakeElectron = String.raw`
const Module = require('node:module');
const handlers = new Map();
const windows = [];
const seen = { schemes: null, protocol: null, headers: null, permission: null, permissionCheck: null, menu: null, tray: null };
let ready;
const whenReady = new Promise((resolve) => (ready = resolve));
const app = {
  name: 'Coin Admin',
  isPackaged: false,
  on() { return app; },
  whenReady: () => whenReady,
  isReady: () => true,
  getPath: () => process.env.FAKE_USER_DATA,
  requestSingleInstanceLock: () => process.env.FAKE_SECOND_INSTANCE !== '1',
  quit() {
    // Only the second launch quits during these runs: report that it opened nothing.
    process.stdout.write(JSON.stringify({ quit: true, windows: windows.length, tray: seen.tray }));
    process.exit(0);
  },
  exit: (code) => process.exit(code),
};
class BrowserWindow {
  constructor(options) { this.options = options; this.maximized = false; windows.push(this); }
  once() {}
  on() {}
  isDestroyed() { return false; }
  maximize() { this.maximized = true; }
  isMaximized() { return this.maximized; }
  getNormalBounds() { const { x, y, width, height } = this.options; return { x, y, width, height }; }
  async loadURL(url) { this.url = url; setImmediate(finish); }
  static getAllWindows() { return windows; }
}
const display = { workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
class Tray {
  constructor(image) { seen.tray = { image }; }
  on() {}
  setImage(image) { seen.tray.image = image; }
  setToolTip(tooltip) { seen.tray.tooltip = tooltip; }
  setContextMenu(menu) { seen.tray.menu = menu.template.map((item) => item.label ?? item.type); }
}
const electron = {
  app,
  BrowserWindow,
  Tray,
  Menu: {
    buildFromTemplate: (template) => ({ template }),
    setApplicationMenu: (menu) => (seen.menu = menu.template.map((item) => item.label)),
  },
  nativeImage: { createFromBuffer: (buffer, options) => ({ pngBytes: buffer.length, options }) },
  Notification: Object.assign(class {}, { isSupported: () => false }),
  screen: { getAllDisplays: () => [display], getPrimaryDisplay: () => display },
  ipcMain: { handle: (channel, listener) => handlers.set(channel, listener) },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => (seen.schemes = schemes),
    handle: (scheme, handler) => (seen.protocol = handler),
  },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (listener) => (seen.headers = listener) },
      setPermissionRequestHandler: (handler) => (seen.permission = handler),
      setPermissionCheckHandler: (handler) => (seen.permissionCheck = handler),
    },
  },
  shell: { openExternal: async () => {}, openPath: async () => '' },
  dialog: { showErrorBox: (title, message) => { console.error(title + ': ' + message); process.exit(3); } },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'electron' ? electron : load.call(this, request, ...rest);
};
setImmediate(() => ready());

async function outcome(promise) {
  try { return { ok: true, value: await promise }; } catch (error) { return { ok: false, message: error.message }; }
}
async function page(url) {
  const response = await seen.protocol(new Request(url));
  return { status: response.status, csp: response.headers.get('content-security-policy') };
}
async function hostedRunner(trusted) {
  const workingDir = process.env.FAKE_START_RUNNER;
  const started = await outcome(handlers.get('local-runner:start')(trusted, { workingDir }));
  const stopped = await outcome(handlers.get('local-runner:stop')(trusted, { workingDir }));
  return { started, stopped };
}
async function finish() {
  const trusted = { senderFrame: { url: 'app://coin-admin/index.html' } };
  const foreign = { senderFrame: { url: 'https://evil.example/' } };
  const result = {
    channels: [...handlers.keys()],
    schemes: seen.schemes,
    window: {
      url: windows[0].url,
      webPreferences: windows[0].options.webPreferences,
      bounds: windows[0].getNormalBounds(),
      maximized: windows[0].isMaximized(),
    },
    menu: seen.menu,
    tray: seen.tray,
    appInfo: await outcome(handlers.get('app:info')(trusted, {})),
    foreign: await outcome(handlers.get('app:info')(foreign, {})),
    badInput: await outcome(handlers.get('runner:doctor')(trusted, { workingDir: 7 })),
    doctor: await outcome(handlers.get('runner:doctor')(trusted, {})),
    headers: await new Promise((resolve) => seen.headers({ responseHeaders: { 'X-Seen': ['1'] } }, resolve)),
    permission: await new Promise((resolve) => seen.permission(null, 'media', resolve)),
    permissionCheck: seen.permissionCheck(null, 'geolocation'),
    runner: process.env.FAKE_START_RUNNER ? await hostedRunner(trusted) : null,
    index: await page('app://coin-admin/index.html'),
    outside: await page('app://coin-admin/../electron/main.cjs'),
  };
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}
`;

interface Outcome {
  ok: boolean;
  value?: Record<string, unknown>;
  message?: string;
}

interface BundleRun {
  channels: string[];
  schemes: { scheme: string; privileges: Record<string, boolean> }[];
  window: {
    url: string;
    webPreferences: Record<string, unknown>;
    bounds: { x: number; y: number; width: number; height: number };
    maximized: boolean;
  };
  menu: string[];
  tray: { tooltip: string; menu: string[]; image: { pngBytes: number } };
  runner: { started: Outcome; stopped: Outcome } | null;
  appInfo: Outcome;
  foreign: Outcome;
  badInput: Outcome;
  doctor: Outcome;
  headers: { responseHeaders: Record<string, string[]> };
  permission: boolean;
  permissionCheck: boolean;
  index: { status: number; csp: string | null };
  outside: { status: number; csp: string | null };
}

async function runMainBundle(dir: string, extraEnv: Record<string, string> = {}): Promise<BundleRun> {
  const hook = path.join(dir, 'fake-electron.cjs');
  await fsp.writeFile(hook, fakeElectron);
  const env = cleanEnv({ COIN_ADMIN_DATA_DIR: dir, FAKE_USER_DATA: dir, ...extraEnv });
  const { stdout } = await run(process.execPath, ['-r', hook, path.join(outDir, 'main.cjs')], {
    cwd: dir,
    env,
    timeout: 30_000,
  });
  return JSON.parse(stdout) as BundleRun;
}

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

/**
 * A stand-in for an unpacked Electron release (what electron-v<version>-linux-x64.zip holds).
 * electron-builder's Linux packager copies the directory, renames `electron` to the executable
 * name and moves LICENSE to LICENSE.electron.txt; it writes app.asar into resources/.
 */
async function fakeElectronDist(dir: string): Promise<string> {
  const dist = path.join(dir, 'electron-dist');
  await fsp.mkdir(path.join(dist, 'resources'), { recursive: true });
  await fsp.mkdir(path.join(dist, 'locales'));
  await fsp.writeFile(path.join(dist, 'electron'), '#!/bin/sh\necho "stand-in electron $*"\n', {
    mode: 0o755,
  });
  await fsp.writeFile(path.join(dist, 'LICENSE'), 'Copyright (c) Electron contributors (stand-in)\n');
  await fsp.writeFile(path.join(dist, 'LICENSES.chromium.html'), '<!doctype html><title>stand-in</title>\n');
  await fsp.writeFile(path.join(dist, 'version'), electronVersion);
  await fsp.writeFile(path.join(dist, 'locales', 'en-US.pak'), '');
  return dist;
}

const distScript = path.join(root, 'build/dist.mjs');

describe('packaging with electron-builder', () => {
  it.skipIf(process.platform !== 'linux')(
    'builds the unpacked Linux app from a local Electron distribution',
    async () => {
      const dir = await tempDir();
      const dist = await fakeElectronDist(dir);
      const output = path.join(dir, 'out');
      const started = performance.now();
      await run(process.execPath, [distScript, '--dir', '--electron-dist', dist, '--output', output], {
        cwd: root,
        env: cleanEnv(),
        timeout: 110_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      console.log(`dist.mjs --dir took ${Math.round(performance.now() - started)} ms`);

      const app = path.join(output, 'linux-unpacked');
      expect((await fsp.stat(path.join(app, 'coin-admin'))).mode & 0o111).not.toBe(0);
      expect(fs.existsSync(path.join(app, 'electron'))).toBe(false);
      expect(fs.existsSync(path.join(app, 'LICENSE.electron.txt'))).toBe(true);

      const asar = path.join(app, 'resources', 'app.asar');
      const entries = listPackage(asar, { isPack: false }).map((entry) => entry.split(path.sep).join('/'));
      expect(entries).toEqual(
        expect.arrayContaining([
          '/build/out/electron/main.cjs',
          '/build/out/electron/preload.cjs',
          '/package.json',
        ]),
      );
      expect(entries.some((entry) => entry.startsWith('/test/') || entry.startsWith('/electron/'))).toBe(
        false,
      );
      const pkg = JSON.parse(extractFile(asar, 'package.json').toString()) as {
        main: string;
        productName: string;
      };
      expect(pkg).toMatchObject({ main: 'build/out/electron/main.cjs', productName: 'Coin Admin' });

      const unpacked = path.join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3');
      expect(fs.existsSync(path.join(unpacked, 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
      // node-gyp leftovers stay out of the package.
      expect(fs.existsSync(path.join(unpacked, 'build', 'Release', 'obj'))).toBe(false);
      expect(fs.existsSync(path.join(unpacked, 'src'))).toBe(false);
    },
  );

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
