/**
 * The Electron main bundle run in plain Node against a recording stand-in for the `electron`
 * module (loaded with `node -r`): the app starts, then what it registered is called and the
 * outcome printed as JSON.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { cleanEnv, outDir, run } from './packaging';

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

export interface Outcome {
  ok: boolean;
  value?: Record<string, unknown>;
  message?: string;
}

export interface BundleRun {
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

export async function runMainBundle(dir: string, extraEnv: Record<string, string> = {}): Promise<BundleRun> {
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
