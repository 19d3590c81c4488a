// The exact commands each controller issues, against a host that records them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CoinServiceController } from '../../../../../electron/services/service/coin-service-controller';
import {
  detectServiceManager,
  ServiceCommandError,
} from '../../../../../electron/services/service/service-controller';
import { SystemdController } from '../../../../../electron/services/service/systemd-controller';
import { RecordingHost } from '../host/recording-host';

const show =
  'env TZ=UTC systemctl --user show coin.service --property=Id,LoadState,ActiveState,SubState,Result,' +
  'StateChangeTimestamp,ActiveEnterTimestamp,ActiveExitTimestamp,InactiveEnterTimestamp,InactiveExitTimestamp,' +
  'ExecMainPID,ExecMainCode,ExecMainStatus,UnitFileState,NRestarts';
const running = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'active-running.txt'), 'utf8');

describe('SystemdController', () => {
  test.each(['start', 'stop', 'restart'] as const)(
    '%s runs systemctl --user and reads the state back',
    async (verb) => {
      const host = new RecordingHost([
        { match: `systemctl --user ${verb} coin.service`, result: {} },
        { match: show, result: { stdout: running } },
      ]);
      const status = await new SystemdController(host)[verb]();
      expect(host.commands).toEqual([`systemctl --user ${verb} coin.service`, show]);
      expect(status).toMatchObject({ manager: 'systemd', state: 'active', pid: 48211 });
    },
  );

  test("a refused action reports systemctl's own words", async () => {
    const host = new RecordingHost([
      {
        match: 'systemctl --user start coin.service',
        result: {
          code: 1,
          stderr: 'Job for coin.service failed because the control process exited with error code.\n',
        },
      },
    ]);
    const error = await new SystemdController(host).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceCommandError);
    expect((error as Error).message).toBe(
      'systemctl --user start coin on recording host failed: Job for coin.service failed because the control process exited with error code.',
    );
  });
});

describe('detectServiceManager', () => {
  const probe = 'systemctl --user show coin.service --property=LoadState';
  test.each([
    [{ stdout: 'LoadState=loaded\n' }, 'systemd'],
    [{ stdout: 'LoadState=not-found\n' }, 'coin-service'],
    [{ code: 1, stderr: 'Failed to connect to bus: No medium found\n' }, 'coin-service'],
    [{ code: 127, stderr: 'sh: systemctl: not found\n' }, 'coin-service'],
  ])('%o -> %s', async (result, manager) => {
    const host = new RecordingHost([{ match: probe, result }]);
    expect(await detectServiceManager(host)).toBe(manager);
    expect(host.commands).toEqual([probe]);
  });
});

describe('CoinServiceController', () => {
  const coin = 'node /srv/coin/runner/cli/coin.mjs service';
  const status = `${coin} status --working-dir /srv/ci --json`;
  const stoppedJson = JSON.stringify({
    state: 'stopped',
    since: '2026-11-28T10:00:00.000Z',
    pid: null,
    port: null,
    workingDir: '/srv/ci',
    logFile: '/srv/ci/service/coin.log',
    detail: 'stopped by coin service stop',
  });
  const controller = (host: RecordingHost) =>
    new CoinServiceController(host, {
      coinCommand: ['node', '/srv/coin/runner/cli/coin.mjs'],
      workingDir: '/srv/ci',
      instanceKind: 'real',
      instancePort: 8080,
    });

  test('status maps stopped to inactive even though the command exits 1', async () => {
    const host = new RecordingHost([{ match: status, result: { code: 1, stdout: stoppedJson } }]);
    expect(await controller(host).status()).toEqual({
      manager: 'coin-service',
      state: 'inactive',
      subState: 'stopped',
      since: '2026-11-28T10:00:00.000Z',
      pid: null,
      port: null,
      detail: 'stopped by coin service stop',
    });
  });

  test('start passes the instance kind and port, then reads the state back', async () => {
    const start = `${coin} start --working-dir /srv/ci --instance real --port 8080`;
    const host = new RecordingHost([
      { match: start, result: {} },
      { match: status, result: { code: 1, stdout: stoppedJson } },
    ]);
    await controller(host).start();
    expect(host.commands).toEqual([start, status]);
  });

  test('a failed start carries what coin said', async () => {
    const start = `${coin} start --working-dir /srv/ci --instance real --port 8080`;
    const host = new RecordingHost([
      {
        match: start,
        result: { code: 1, stderr: 'coin: coin run exited during start; the end of x:\nboom\n' },
      },
    ]);
    await expect(controller(host).start()).rejects.toThrow(
      /coin service start on recording host failed: coin: coin run exited/,
    );
  });

  test('output that is not the status JSON is an error with that output', async () => {
    const host = new RecordingHost([{ match: status, result: { code: 127, stderr: 'sh: node: not found' } }]);
    await expect(controller(host).status()).rejects.toThrow(
      'coin service status on recording host failed: sh: node: not found',
    );
  });
});
