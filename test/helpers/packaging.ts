/**
 * What the packaging tests share: where the bundles are (the integration tests' global setup
 * builds them once, test/integration/global-setup.ts), a clean environment, a stand-in Electron
 * distribution, and small waits. Electron's binary cannot be downloaded here, so its stand-ins are
 * this Node binary.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const root = path.resolve(import.meta.dirname, '..', '..');
export const outDir = path.join(root, 'build', 'out', 'electron');
export const runnerOutDir = path.join(root, 'build', 'out', 'runner');
export const distScript = path.join(root, 'build/dist.mjs');
export const electronVersion = (
  JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Only PATH and HOME: no ELECTRON_DIST or COIN_* from the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/**
 * A stand-in for an unpacked Electron release (what electron-v<version>-linux-x64.zip holds) whose
 * `electron` is this Node binary, hard-linked (or copied) from process.execPath. Node ignores
 * ELECTRON_RUN_AS_NODE, so the packaged executable behaves like Electron in Node mode, the way the
 * app runs its local runner and agents. electron-builder's Linux packager copies the directory,
 * renames `electron` to the executable name and moves LICENSE to LICENSE.electron.txt; it writes
 * app.asar into resources/.
 */
export async function fakeElectronDist(dir: string): Promise<string> {
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

export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** argv of a live process, from /proc. */
export function argvOf(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/**
 * `node build/dist.mjs ...args` from the repository root in a clean environment. 7 s here when
 * idle; the limit leaves room for a loaded CI machine. A failure says how the script ended (code,
 * signal or the limit), after how long, and the end of both its outputs: electron-builder reports
 * on stdout, dist.mjs on stderr.
 */
export async function runDist(args: string[], timeoutMs = 300_000): Promise<{ stdout: string; ms: number }> {
  const started = performance.now();
  try {
    const { stdout } = await run(process.execPath, [distScript, ...args], {
      cwd: root,
      env: cleanEnv(),
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { stdout, ms: Math.round(performance.now() - started) };
  } catch (caught) {
    const error = caught as {
      code?: number | string;
      signal?: string;
      killed?: boolean;
      stdout?: string;
      stderr?: string;
    };
    const ms = Math.round(performance.now() - started);
    const how = error.killed
      ? `killed at the ${timeoutMs} ms limit`
      : error.signal
        ? `ended by ${error.signal}`
        : `exit code ${error.code}`;
    const tail = (text: string | undefined) =>
      (text ?? '').trimEnd().split('\n').slice(-30).join('\n') || '(nothing)';
    throw new Error(
      `dist.mjs ${args.join(' ')}: ${how} after ${ms} ms\n--- stdout (end) ---\n${tail(error.stdout)}\n--- stderr (end) ---\n${tail(error.stderr)}`,
      { cause: caught },
    );
  }
}
