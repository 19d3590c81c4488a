// `coin service install` writes coin.service and coin-maintenance.service. systemd cannot run
// as a service manager in this container, so the units are checked two ways: systemd's own
// `systemd-analyze verify` reads them, and the command lines they contain run with the real
// binaries in the order systemd runs them at a start and a stop (the page answers 503 while the
// instance is stopped, the instance serves after its start).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { instancePaths, instanceRootUrl } from '../../../runner/core/instance-api';
import { freeLoopbackPort } from '../../helpers/free-port';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { coinWithEnv, pidAlive, waitUntil } from './service-fixture';

const analyze = '/usr/bin/systemd-analyze';
const haveAnalyze = fs.existsSync(analyze);
const noAnalyze = `${analyze} is not installed: the units are not checked by systemd itself`;

let work: TempDir;
const started: ChildProcess[] = [];
beforeEach(async () => {
  work = await makeTempDir('units-');
});
afterEach(async () => {
  for (const child of started.splice(0)) await stopUnitProcess(child, 'SIGKILL');
  await work.remove();
});

/** The directories of one install: config home (units), runtime dir, working dir. */
function dirs() {
  const config = path.join(work.path, 'config');
  return { config, units: path.join(config, 'systemd', 'user'), wd: path.join(work.path, 'ci wd%1') };
}

async function install(port: number, extra: string[] = []) {
  const { config, wd } = dirs();
  return coinWithEnv(['service', 'install', '--working-dir', wd, '--port', String(port), ...extra], {
    XDG_CONFIG_HOME: config,
  });
}

/** The value of `key=` in a unit file's text (the first one). */
function directive(text: string, key: string): string {
  const line = text.split('\n').find((l) => l.startsWith(`${key}=`));
  if (line === undefined) throw new Error(`no ${key}= in the unit`);
  return line.slice(key.length + 1);
}

/** A command line as systemd splits it: double quotes with backslash escapes, %% and $$ unescaped. */
function systemdSplit(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of line.matchAll(pattern)) {
    const raw = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!;
    words.push(raw.replaceAll('%%', '%').replaceAll('$$', '$'));
  }
  return words;
}

/** ExecStart= of a unit, run as systemd would: in WorkingDirectory=, its own process group. */
function startUnit(text: string): ChildProcess {
  const [command, ...args] = systemdSplit(directive(text, 'ExecStart'));
  const cwd = directive(text, 'WorkingDirectory').replaceAll('%%', '%');
  const child = spawn(command!, args, {
    cwd,
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  started.push(child);
  return child;
}

/** systemd's stop: SIGTERM to the main process, then SIGKILL to what is left of its group. */
async function stopUnitProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  const pid = child.pid!;
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode!);
    else child.once('exit', (code, sig) => resolve(code ?? sig!));
  });
  if (pidAlive(pid)) process.kill(pid, signal);
  const result = await exited;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is empty
  }
  await waitUntil(() => !pidAlive(pid), 10_000);
  return result;
}

/** The status the instance's task list answers with on `port` (null: nothing answers). */
async function statusOf(port: number): Promise<number | null> {
  try {
    return (await fetch(new URL(instancePaths.tasks(), instanceRootUrl(`http://127.0.0.1:${port}`)))).status;
  } catch {
    return null;
  }
}

describe('coin service install', () => {
  test('--dry-run prints both units and writes nothing; port 0 is refused', async () => {
    const port = await freeLoopbackPort();
    const dry = await install(port, ['--dry-run', '--maintenance-message', 'Back at 10:00']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would write ${path.join(dirs().units, 'coin.service')}:`);
    expect(dry.stdout).toContain(`would write ${path.join(dirs().units, 'coin-maintenance.service')}:`);
    expect(dry.stdout).toContain('OnSuccess=coin-maintenance.service\n');
    expect(dry.stdout).toContain('--message "Back at 10:00"');
    expect(fs.existsSync(dirs().units)).toBe(false);
    const zero = await install(0, ['--dry-run']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--port must be a fixed port/);
  });

  const verifyTitle = haveAnalyze
    ? 'systemd-analyze verify accepts the written units'
    : `skipped: ${noAnalyze}`;
  test.skipIf(!haveAnalyze)(verifyTitle, async () => {
    const result = await install(await freeLoopbackPort());
    expect(result.stdout).toMatch(/^created .*coin\.service\ncreated .*coin-maintenance\.service\nthen run:/);
    const runtime = path.join(work.path, 'runtime');
    fs.mkdirSync(runtime, { mode: 0o700 });
    const verify = (files: string[]) =>
      spawnSync(analyze, ['--user', 'verify', '--man=no', ...files], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: dirs().config },
      });
    const units = ['coin.service', 'coin-maintenance.service'].map((u) => path.join(dirs().units, u));
    const good = verify(units);
    expect(good.stderr + good.stdout).toBe('');
    expect(good.status).toBe(0);
    // The same check sees a misspelt directive, so a silent pass above means something.
    const broken = path.join(work.path, 'broken.service');
    fs.writeFileSync(broken, fs.readFileSync(units[0]!, 'utf8').replace('OnSuccess=', 'OnSucess='));
    expect(verify([broken]).stderr).toContain("Unknown key 'OnSucess'");
  });

  test('in systemd order, the page answers while coin.service is stopped and the instance after its start', async () => {
    const port = await freeLoopbackPort();
    expect((await install(port)).code).toBe(0);
    fs.mkdirSync(dirs().wd, { recursive: true });
    const main = fs.readFileSync(path.join(dirs().units, 'coin.service'), 'utf8');
    const page = fs.readFileSync(path.join(dirs().units, 'coin-maintenance.service'), 'utf8');
    expect(directive(main, 'Conflicts')).toBe('coin-maintenance.service');
    expect(directive(page, 'Conflicts')).toBe('coin.service');

    // systemctl --user start coin: nothing to stop first; the instance serves.
    let instance = startUnit(main);
    await waitUntil(async () => (await statusOf(port)) === 200, 60_000);

    // systemctl --user stop coin: SIGTERM ends it cleanly, so OnSuccess= starts the page.
    expect(await stopUnitProcess(instance)).toBe(0);
    const maintenance = startUnit(page);
    await waitUntil(async () => (await statusOf(port)) === 503, 30_000);
    const html = await fetch(`http://127.0.0.1:${port}/coin/`);
    expect(html.status).toBe(503);
    expect(await html.text()).toContain('being updated');

    // systemctl --user start coin: Conflicts= stops the page first (it ends with 0), then the instance.
    expect(await stopUnitProcess(maintenance)).toBe(0);
    expect(fs.existsSync(path.join(dirs().wd, 'maintenance.json'))).toBe(false);
    instance = startUnit(main);
    await waitUntil(async () => (await statusOf(port)) === 200, 60_000);
    expect(await stopUnitProcess(instance)).toBe(0);
  }, 180_000);
});
