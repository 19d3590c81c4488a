// The README's own commands, started the way a newcomer starts them: `npm start`, `npm run host`
// and `npx coin` as child processes from the repository root with a plain environment. Nothing
// here imports the app's modules: the launch path (npm, launch.mjs, tsx, Node's ESM loader) is the
// one a user gets, so a module that loads under vitest but not under Node fails here.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { withPage } from '../helpers/chromium';
import { commitModule } from '../helpers/coin-process';
import { commandLine, descendantsOf, waitUntilGone, type ProcessInfo } from '../helpers/process-tree';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../integration/runner/demo-modules';

const root = path.resolve(import.meta.dirname, '..', '..');

let temp: TempDir;
let launched: ChildProcess | undefined;

beforeEach(async () => {
  temp = await makeTempDir('readme-commands-');
});
afterEach(async () => {
  if (launched && launched.exitCode === null && launched.signalCode === null) {
    process.kill(-launched.pid!, 'SIGKILL');
  }
  launched = undefined;
  await temp.remove();
});

/** A newcomer's environment: their PATH, a home of their own, the app's data in the temp dir. */
function userEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: path.join(temp.path, 'home'),
    COIN_ADMIN_DATA_DIR: path.join(temp.path, 'app-data'),
    LANG: 'C.UTF-8',
  };
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** `npm <args>` from the repository root in its own process group (as a terminal would run it). */
function startNpm(args: string[]): Started {
  const child = spawn('npm', args, { cwd: root, env: userEnv(), detached: true });
  launched = child;
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

/** Waits until the started command prints the app's URL; fails with its output if it exits first. */
async function printedUrl(started: Started, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /Coin Admin is running at (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(
      started.output(),
    );
    if (match) return match[1]!;
    if (started.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no URL printed (exit ${started.child.exitCode}):\n${started.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ctrl+C on the terminal: SIGINT to the whole process group; resolves to how npm ended. */
async function pressCtrlC(started: Started): Promise<string> {
  // npm itself dies of the SIGINT it receives, as it does in a terminal; the app exits 0 under it.
  const exited = new Promise<string>((resolve) =>
    started.child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  process.kill(-started.child.pid!, 'SIGINT');
  return exited;
}

const text = (page: Page, id: string) => async () => (await page.getByTestId(id).textContent()) ?? '';

/** In the page: start a local runner on `work`, integrate a git module there, see it pass, stop it. */
async function integrateThroughThePage(page: Page, url: string, work: string): Promise<void> {
  const sha = await commitModule(temp.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  await page.goto(url);
  const panel = page.getByRole('region', { name: 'Local runner' });
  await panel.getByLabel('Runner directory').fill(work);
  await panel.getByRole('button', { name: 'Start runner' }).click();
  await expect
    .poll(text(page, 'local-runner-state'), { timeout: 60_000 })
    .toMatch(/^running on port \d+ \(pid \d+\)/);
  const form = page.getByRole('form', { name: 'Run an integration' });
  await form.getByLabel('Git repository').fill(path.join(temp.path, 'demo/tool'));
  await form.getByLabel('Ref').fill('main');
  await form.getByRole('button', { name: 'Integrate' }).click();
  await expect.poll(text(page, 'integration-state'), { timeout: 90_000 }).toBe('Passed');
  expect(await page.getByTestId('integration-result').textContent()).toContain(
    `demo/tool main ${sha.slice(0, 12)}`,
  );
}

/** Everything the started command runs, gone after Ctrl+C: the host, its runner and agents. */
async function expectAllGone(processes: readonly ProcessInfo[]): Promise<void> {
  const survivors = await waitUntilGone(processes, 30_000);
  expect(survivors.map((p) => p.pid)).toEqual([]);
}

describe('npm start and npm run host, as the README says', () => {
  test.for([
    { name: 'npm start', command: ['start'], saysElectronIsMissing: true },
    { name: 'npm run host', command: ['run', 'host'], saysElectronIsMissing: false },
  ])(
    '$name: prints a URL, the page runs an integration, Ctrl+C ends everything it started',
    ({ command, saysElectronIsMissing }, { task }) =>
      withPage(task.name, async (page) => {
        const started = startNpm(command);
        const url = await printedUrl(started);
        expect(started.output().includes('Electron is not available here')).toBe(saysElectronIsMissing);
        const origin = new URL(url).origin;
        const withoutToken = await fetch(`${origin}/desk/appInfo`, { method: 'POST', body: '{}' });
        expect(withoutToken.status).toBe(403);
        await integrateThroughThePage(page, url, path.join(temp.path, 'runner-work'));
        const tree = descendantsOf(started.child.pid!);
        expect(tree.some((p) => commandLine(p.pid).includes('runner/cli/coin.mjs'))).toBe(true);
        expect(['SIGINT', 'exit 0']).toContain(await pressCtrlC(started));
        expect(started.output()).not.toMatch(/could not start|Error:/);
        await expectAllGone(tree);
      }),
  );
});

/** stderr without npm's own notices (a newer npm is available), which a user sees too. */
function notNpmNotices(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('npm notice'))
    .join('\n');
}

describe('npx coin, as the README says', () => {
  /** `npx coin <args>` from the repository root; resolves to its exit code and output. */
  function npxCoin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('npx', ['coin', ...args], { cwd: root, env: userEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  test('npx coin --help lists the commands the README uses', async () => {
    const result = await npxCoin(['--help']);
    expect(notNpmNotices(result.stderr)).toBe('');
    expect(result.code).toBe(0);
    for (const command of ['doctor', 'run', 'integrate', 'tasks', 'plan']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  test('npx coin doctor and npx coin plan do real work on this machine', async () => {
    const work = path.join(temp.path, 'w');
    const doctor = await npxCoin(['doctor', '--working-dir', work, '--json']);
    expect(doctor.code).toBe(0);
    const checks = JSON.parse(doctor.stdout) as { checks: { name: string; status: string }[] };
    expect(checks.checks.map((c) => c.status)).not.toContain('fail');
    const plan = await npxCoin([
      'plan',
      '--module',
      'test/fixtures/modules/coin-admin/every-instruction',
      '--platform-configs',
      'test/fixtures/modules/platform_configs',
      '--platform-config-file',
      'every-instruction.yaml',
      '--json',
    ]);
    expect(notNpmNotices(plan.stderr)).toBe('');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toBeTruthy();
  });
});
