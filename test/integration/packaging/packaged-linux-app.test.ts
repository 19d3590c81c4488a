// electron-builder packages the app against a fabricated local Electron distribution whose
// executable is this Node, so the packaged app's runner (the app's executable as Node on the
// bundled CLI) runs a real integration.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listPackage, extractFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedRunnerLaunch } from '../../../electron/main/hosted-runner-launch';
import { readMaintenanceRecord } from '../../../runner/node/maintenance/maintenance-record';
import { layoutFor } from '../../../runner/node/runner-layout';
import { commitModule, startCoin } from '../../helpers/coin-process';
import { freeLoopbackPort } from '../../helpers/free-port';
import { argvOf, cleanEnv, fakeElectronDist, root, run, runDist, waitFor } from '../../helpers/packaging';
import { descendantsOf } from '../../helpers/process-tree';
import { runCoin, type CoinLaunch } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

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
    const { ms } = await runDist(['--dir', '--electron-dist', dist, '--output', output]);
    console.log(`dist.mjs --dir took ${ms} ms`);
    app = path.join(output, 'linux-unpacked');
    const launch = hostedRunnerLaunch({
      packaged: true,
      execPath: path.join(app, 'coin-admin'),
      bundleDir: path.join(app, 'resources', 'app.asar', 'build', 'out', 'electron'),
      env: { ...process.env, NODE_PATH: root },
    });
    // Not the checkout: nothing may resolve from there (and NODE_PATH does not pass on).
    coin = { command: launch.coinCommand, env: launch.env, cwd: packaged.path };
  }, 330_000);

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
