// `coin service` as an administrator uses it where systemd user services are missing: real
// daemons, real pidfiles and logs, real instances answering on their port.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { serviceFiles } from '../../../runner/node/service/service-files';
import { startCoin } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { coinWithEnv, daemonPid, followLogs, killDaemon, pidAlive, waitUntil } from './service-fixture';

let work: TempDir;
beforeEach(async () => {
  work = await makeTempDir('service-');
});
afterEach(async () => {
  await killDaemon(work.path);
  await work.remove();
});

const status = async () =>
  JSON.parse((await runCoin(['service', 'status', '--working-dir', work.path, '--json'])).stdout);

describe('coin service', () => {
  test('start daemonises coin run, status says running since when, stop ends it', async () => {
    const before = await runCoin(['service', 'status', '--working-dir', work.path]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/state:\s+stopped\n[^]*never started/);

    const started = await runCoin(['service', 'start', '--working-dir', work.path, '--port', '0']);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^coin service: started\nstate:\s+running/);
    const running = await status();
    expect(running).toMatchObject({ state: 'running', workingDir: work.path, pid: daemonPid(work.path) });
    expect(Date.parse(running.since)).toBeGreaterThan(Date.now() - 60_000);
    // The daemon's instance answers where its working directory says (the client `coin task` uses).
    expect(await connectWorkingDir(work.path).tasks()).toMatchObject({ total: 0 });

    const logs = await runCoin(['service', 'logs', '--working-dir', work.path]);
    expect(logs.stdout).toContain('coin service: starting coin run');
    expect(logs.stdout).toContain(`Coin is running at http://127.0.0.1:${running.port}/coin`);

    const again = await runCoin(['service', 'start', '--working-dir', work.path, '--port', '0']);
    expect(again.stdout).toContain('nothing to do (already running)');
    expect((await status()).pid).toBe(running.pid);

    const stopped = await runCoin(['service', 'stop', '--working-dir', work.path]);
    expect(stopped.code).toBe(0);
    expect(pidAlive(running.pid)).toBe(false);
    const after = await status();
    expect(after).toMatchObject({ state: 'stopped', pid: null, detail: 'stopped by coin service stop' });
    expect(Date.parse(after.since)).toBeGreaterThanOrEqual(Date.parse(running.since));
    expect(fs.existsSync(serviceFiles(work.path).pidFile)).toBe(false);
    expect((await runCoin(['service', 'stop', '--working-dir', work.path])).stdout).toContain(
      'nothing to do (already stopped)',
    );
  });

  test('a daemon that dies by itself is failed, and starts again', async () => {
    await runCoin(['service', 'start', '--working-dir', work.path, '--port', '0']);
    const pid = daemonPid(work.path)!;
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => !pidAlive(pid));
    const failed = await runCoin(['service', 'status', '--working-dir', work.path]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/state:\s+failed/);
    expect(failed.stdout).toContain(`pid ${pid} exited without coin service stop`);

    const restarted = await runCoin(['service', 'restart', '--working-dir', work.path]);
    expect(restarted.code).toBe(0);
    const running = await status();
    expect(running.state).toBe('running');
    expect(running.pid).not.toBe(pid);
    // restart kept the options of the first start (--port 0): a free port, not 8080.
    expect(running.port).not.toBe(8080);
    await runCoin(['service', 'stop', '--working-dir', work.path]);
  });

  test('start fails with the end of the log when another instance owns the directory', async () => {
    const foreground = await startCoin(work.path);
    try {
      const result = await runCoin(['service', 'start', '--working-dir', work.path, '--port', '0']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^coin: coin run exited during start; the end of .*coin\.log:\n/);
      expect(result.stderr).toContain(`another Coin instance (pid ${foreground.pid}`);
      const report = await status();
      expect(report.state).toBe('failed');
      expect(report.detail).toContain('coin run exited during start');
    } finally {
      await foreground.stop();
    }
  });

  test('logs -f prints what the daemon appends until it is interrupted', async () => {
    const files = serviceFiles(work.path);
    fs.mkdirSync(files.dir, { recursive: true });
    fs.writeFileSync(files.logFile, 'one\ntwo\nthree\n');
    const follower = followLogs(work.path);
    try {
      await waitUntil(() => follower.output() === 'two\nthree\n');
      fs.appendFileSync(files.logFile, 'four\nfi');
      await waitUntil(() => follower.output().endsWith('four\n'));
      fs.appendFileSync(files.logFile, 've\n');
      // A rotation: the file is replaced by a new one.
      fs.renameSync(files.logFile, files.previousLogFile);
      fs.writeFileSync(files.logFile, 'six\n');
      await waitUntil(() => follower.output() === 'two\nthree\nfour\nfive\nsix\n');
    } finally {
      follower.child.kill('SIGTERM');
      await new Promise((resolve) => follower.child.once('exit', resolve));
    }
    expect(follower.child.exitCode).toBe(0);
  });

  test('install --dry-run prints the unit; install writes it under XDG_CONFIG_HOME with linger advice', async () => {
    const env = { XDG_CONFIG_HOME: path.join(work.path, 'config') };
    const unitPath = path.join(work.path, 'config', 'systemd', 'user', 'coin.service');
    const args = [
      'service',
      'install',
      '--working-dir',
      path.join(work.path, 'ci work'),
      '--instance',
      'real',
    ];
    const dry = await coinWithEnv([...args, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would write ${unitPath}`);
    expect(dry.stdout).toMatch(
      /ExecStart=\S+node \S+\/runner\/cli\/coin\.mjs run --working-dir ".*\/ci work" --log-format json --instance real\n/,
    );
    expect(fs.existsSync(unitPath)).toBe(false);

    const installed = await coinWithEnv(args, env);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(`created ${unitPath}`);
    expect(installed.stdout).toMatch(/loginctl enable-linger \S+/);
    // The dry run prints each unit after its `would write PATH:` line and a blank line.
    const printed = (file: string) => {
      const start = dry.stdout.indexOf(`would write ${file}:\n\n`) + `would write ${file}:\n\n`.length;
      const next = dry.stdout.indexOf('\nwould write ', start);
      return dry.stdout.slice(start, next === -1 ? undefined : next);
    };
    expect(fs.readFileSync(unitPath, 'utf8')).toBe(printed(unitPath));
    const pagePath = path.join(path.dirname(unitPath), 'coin-maintenance.service');
    expect(fs.readFileSync(pagePath, 'utf8')).toBe(printed(pagePath));
    expect((await coinWithEnv(args, env)).stdout).toContain(`unchanged ${unitPath}`);
  });

  test('usage errors are one line', async () => {
    const result = await runCoin(['service', 'start', '--working-dir', work.path, '--timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("coin: --timeout must be a number of seconds > 0, got 'soon'");
  });
});
