// The Electron bundles and the packaged app, as far as they can be checked without the Electron
// binary (it cannot be downloaded here): the main bundle runs in plain Node against a recording
// stand-in for the `electron` module, and electron-builder packages the app against a fabricated
// local Electron distribution whose executable is this Node, so the packaged app's runner (the
// app's executable as Node on the bundled CLI) runs a real integration.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { deskChannels } from '../../electron/common/desk-channels';
import { hostedRunnerLaunch } from '../../electron/main/hosted-runner-launch';
import { readMaintenanceRecord } from '../../runner/node/maintenance/maintenance-record';
import { layoutFor } from '../../runner/node/runner-layout';
import { promisify } from 'node:util';
import { listPackage, extractFile } from '@electron/asar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitModule, startCoin } from '../helpers/coin-process';
import { freeLoopbackPort } from '../helpers/free-port';
import { descendantsOf } from '../helpers/process-tree';
import { runCoin, type CoinLaunch } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { toolModuleConfig, toolSource } from './runner/demo-modules';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const outDir = path.join(root, 'build', 'out', 'electron');
const runnerOutDir = path.join(root, 'build', 'out', 'runner');
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
  const bundle = (script: string) =>
    run(process.execPath, [path.join(root, script)], { cwd: root, env: cleanEnv() });
  await Promise.all([bundle('build/bundle-electron.mjs'), bundle('build/bundle-runner.mjs')]);
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
  isPackaged: process.env.FAKE_PACKAGED === '1',
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
function processOf(pid) {
  const read = (file) => require('node:fs').readFileSync('/proc/' + pid + '/' + file, 'utf8').split('\0');
  try {
    return { argv: read('cmdline').filter(Boolean), env: read('environ').filter(Boolean) };
  } catch {
    return null;
  }
}
async function hostedRunner(trusted) {
  const workingDir = process.env.FAKE_START_RUNNER;
  const started = await outcome(handlers.get('local-runner:start')(trusted, { workingDir }));
  const runner = started.ok && started.value.pid ? processOf(started.value.pid) : null;
  const stopped = await outcome(handlers.get('local-runner:stop')(trusted, { workingDir }));
  return { started, stopped, process: runner };
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
  runner: { started: Outcome; stopped: Outcome; process: { argv: string[]; env: string[] } | null } | null;
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

/**
 * A stand-in for an unpacked Electron release (what electron-v<version>-linux-x64.zip holds) whose
 * `electron` is this Node binary, hard-linked (or copied) from process.execPath. Node ignores
 * ELECTRON_RUN_AS_NODE, so the packaged executable behaves like Electron in Node mode, the way the
 * app runs its local runner and agents. electron-builder's Linux packager copies the directory,
 * renames `electron` to the executable name and moves LICENSE to LICENSE.electron.txt; it writes
 * app.asar into resources/.
 */
async function fakeElectronDist(dir: string): Promise<string> {
  const dist = path.join(dir, 'electron-dist');
  await fsp.mkdir(path.join(dist, 'resources'), { recursive: true });
  await fsp.mkdir(path.join(dist, 'locales'));
  const executable = path.join(dist, 'electron');
  await fsp.link(process.execPath, executable).catch(() => fsp.copyFile(process.execPath, executable));
  await fsp.writeFile(path.join(dist, 'LICENSE'), 'Copyright (c) Electron contributors (stand-in)\n');
  await fsp.writeFile(path.join(dist, 'LICENSES.chromium.html'), '<!doctype html><title>stand-in</title>\n');
  await fsp.writeFile(path.join(dist, 'version'), electronVersion);
  await fsp.writeFile(path.join(dist, 'locales', 'en-US.pak'), '');
  return dist;
}

const distScript = path.join(root, 'build/dist.mjs');

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** argv of a live process, from /proc. */
function argvOf(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

interface TaskJson {
  state: string;
  reason: string | null;
  workItems: { kind: string; state: string; reused: boolean }[];
}

describe.skipIf(process.platform !== 'linux')('the packaged Linux app, built with electron-builder', () => {
  let packaged: TempDir;
  let app: string;
  /** How the packaged app runs its `coin` CLI: hostedRunnerLaunch with the package's paths. */
  let coin: CoinLaunch;

  beforeAll(async () => {
    // The docs the runner serves are part of the package (`npm run build` renders them).
    if (!fs.existsSync(path.join(root, 'build/out/docs/packaging.html')))
      await run(process.execPath, [path.join(root, 'build/render-docs.mjs')], { cwd: root, env: cleanEnv() });
    packaged = await makeTempDir('packaged-app-');
    const dist = await fakeElectronDist(packaged.path);
    const output = path.join(packaged.path, 'out');
    const started = performance.now();
    await run(process.execPath, [distScript, '--dir', '--electron-dist', dist, '--output', output], {
      cwd: root,
      env: cleanEnv(),
      timeout: 110_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    console.log(`dist.mjs --dir took ${Math.round(performance.now() - started)} ms`);
    app = path.join(output, 'linux-unpacked');
    const launch = hostedRunnerLaunch({
      packaged: true,
      execPath: path.join(app, 'coin-admin'),
      bundleDir: path.join(app, 'resources', 'app.asar', 'build', 'out', 'electron'),
      env: { ...process.env, NODE_PATH: root },
    });
    // Not the checkout: nothing may resolve from there (and NODE_PATH does not pass on).
    coin = { command: launch.coinCommand, env: launch.env, cwd: packaged.path };
  }, 120_000);

  afterAll(async () => {
    await packaged?.remove();
  });

  it('packs the bundles into app.asar and unpacks the runner, its web assets and its packages', () => {
    expect((fs.statSync(path.join(app, 'coin-admin')).mode & 0o111) !== 0).toBe(true);
    expect(fs.existsSync(path.join(app, 'electron'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'LICENSE.electron.txt'))).toBe(true);

    const asar = path.join(app, 'resources', 'app.asar');
    const entries = listPackage(asar, { isPack: false }).map((entry) => entry.split(path.sep).join('/'));
    expect(entries).toEqual(
      expect.arrayContaining([
        '/build/out/electron/main.cjs',
        '/build/out/electron/preload.cjs',
        '/build/out/runner/coin.cjs',
        '/package.json',
      ]),
    );
    expect(entries.some((entry) => entry.startsWith('/test/') || entry.startsWith('/electron/'))).toBe(false);
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString()) as {
      main: string;
      productName: string;
    };
    expect(pkg).toMatchObject({ main: 'build/out/electron/main.cjs', productName: 'Coin Admin' });

    const unpacked = path.join(app, 'resources', 'app.asar.unpacked');
    for (const file of ['coin.cjs', 'agent.cjs', 'maintenance.cjs'])
      expect(fs.existsSync(path.join(unpacked, 'build', 'out', 'runner', file)), file).toBe(true);
    expect(fs.existsSync(path.join(unpacked, 'build', 'out', 'docs', 'packaging.html'))).toBe(true);
    const sqlite = path.join(unpacked, 'node_modules', 'better-sqlite3');
    expect(fs.existsSync(path.join(sqlite, 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    expect(fs.existsSync(path.join(sqlite, 'lib', 'database.js'))).toBe(true);
    expect(fs.existsSync(path.join(unpacked, 'node_modules', 'bindings', 'bindings.js'))).toBe(true);
    // Only what the runner loads is unpacked: the main process's own packages stay in app.asar.
    expect(fs.existsSync(path.join(unpacked, 'node_modules', 'fastify'))).toBe(false);
    expect(fs.existsSync(path.join(unpacked, 'node_modules', 'prebuild-install'))).toBe(false);
    // node-gyp leftovers stay out of the package.
    expect(fs.existsSync(path.join(sqlite, 'build', 'Release', 'obj'))).toBe(false);
    expect(fs.existsSync(path.join(sqlite, 'src'))).toBe(false);
  });

  it('runs the bundled coin CLI as the app itself in Node mode: --version and doctor', async () => {
    expect(coin.command).toEqual([
      path.join(app, 'coin-admin'),
      path.join(app, 'resources', 'app.asar.unpacked', 'build', 'out', 'runner', 'coin.cjs'),
    ]);
    expect(coin.env).toMatchObject({ ELECTRON_RUN_AS_NODE: '1' });
    expect(coin.env.NODE_PATH).toBeUndefined();

    const { stdout: revision } = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root });
    const version = await runCoin(['--version'], { launch: coin });
    expect(version).toEqual({ code: 0, stdout: `coin 0.1.0 (${revision.trim()})\n`, stderr: '' });

    const doctor = await runCoin(['doctor', '--working-dir', path.join(packaged.path, 'doctor'), '--json'], {
      launch: coin,
    });
    expect(doctor.stderr).toBe('');
    const report = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; detail: string }[] };
    expect(report.checks).toContainEqual(expect.objectContaining({ id: 'sqlite', status: 'ok' }));
    expect(doctor.code).toBe(0);
  });

  it('runs a real integration: the runner and its agents from the bundles, the dashboard and docs served', async () => {
    const modules = path.join(packaged.path, 'modules');
    const work = path.join(packaged.path, 'work');
    await commitModule(modules, 'demo/tool', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    const started = performance.now();
    const instance = await startCoin(work, ['--hypervisor', 'local', '--max-agents', '1'], coin);
    try {
      const result = await runCoin(
        [
          'integrate',
          path.join(modules, 'demo/tool'),
          '--ref',
          'main',
          '--working-dir',
          work,
          '--wait',
          '--json',
        ],
        { launch: coin, timeoutMs: 90_000 },
      );
      expect(result.stderr).toBe('');
      const task = JSON.parse(result.stdout) as TaskJson;
      expect(task.state, task.reason ?? '').toBe('Passed');
      expect(task.workItems.map((w) => [w.kind, w.state])).toEqual([
        ['build', 'Done'],
        ['test', 'Done'],
      ]);
      console.log(
        `packaged runner: start and integration took ${Math.round(performance.now() - started)} ms`,
      );

      // The agent that ran them idles, still a child of the runner: the app as Node on agent.cjs.
      const agentScript = layoutFor('bundle', path.dirname(coin.command[1]!)).agentScript;
      const agents = descendantsOf(instance.pid)
        .map((p) => ({ pid: p.pid, argv: argvOf(p.pid) }))
        .filter((p) => p.argv.includes('--agent-id'));
      expect(agents.length).toBeGreaterThan(0);
      for (const agent of agents) {
        expect(agent.argv.slice(0, 2)).toEqual([coin.command[0], agentScript]);
        const environ = fs.readFileSync(`/proc/${agent.pid}/environ`, 'utf8').split('\0');
        expect(environ).toContain('ELECTRON_RUN_AS_NODE=1');
      }

      // Plain Node cannot read app.asar: these come from app.asar.unpacked.
      const base = `http://127.0.0.1:${instance.port}/coin`;
      const docs = await fetch(`${base}/doc/packaging.html`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('<title>Packaging Coin Admin');
      if (fs.existsSync(path.join(root, 'build/out/renderer/index.html'))) {
        const page = await fetch(`${base}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<meta name="coin-dashboard" content="runner">');
      }
    } finally {
      expect(await instance.stop()).toBe(0);
    }
  });

  it('a stopping instance leaves the bundled maintenance server behind, the app as Node', async () => {
    const work = path.join(packaged.path, 'maintained');
    const port = await freeLoopbackPort();
    const page = () =>
      fetch(`http://127.0.0.1:${port}/coin/`).then(
        (r) => r.status,
        () => 0,
      );
    // `coin maintenance` serves the page in the foreground until the instance takes the port over.
    const [command, ...prefix] = coin.command;
    const foreground = spawn(
      command!,
      [...prefix, 'maintenance', '--working-dir', work, '--port', String(port)],
      {
        cwd: coin.cwd,
        env: coin.env,
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => foreground.once('exit', resolve));
    try {
      await waitFor(async () => (await page()) === 503, 10_000);
      const instance = await startCoin(work, ['--port', String(port)], coin);
      await exited;
      await instance.stop();
      await waitFor(async () => (await page()) === 503, 5000);
      const record = readMaintenanceRecord(work)!;
      const maintenanceScript = layoutFor('bundle', path.dirname(coin.command[1]!)).maintenanceScript;
      expect(argvOf(record.pid).slice(0, 2)).toEqual([coin.command[0], maintenanceScript]);
      expect(fs.readFileSync(`/proc/${record.pid}/environ`, 'utf8').split('\0')).toContain(
        'ELECTRON_RUN_AS_NODE=1',
      );
    } finally {
      foreground.kill();
      // Detached, it is no child of ours: stop it by its record.
      if (readMaintenanceRecord(work))
        await runCoin(['maintenance', '--working-dir', work, '--stop'], { launch: coin });
    }
    expect(await page()).toBe(0);
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
