// `systemctl --user show coin.service` output, captured in the documented KEY=value format.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  parseShowOutput,
  parseSystemdTimestamp,
  systemdStatusFrom,
} from '../../../../../electron/services/service/systemd-show';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('systemdStatusFrom', () => {
  test('active (running) since it entered the state', () => {
    expect(systemdStatusFrom(fixture('active-running.txt'))).toEqual({
      manager: 'systemd',
      state: 'active',
      subState: 'running',
      since: '2026-11-24T09:12:03.000Z',
      pid: 48211,
      port: null,
      detail: 'coin.service active (running); unit file enabled',
    });
  });

  test('failed with the exit code and the restarts', () => {
    expect(systemdStatusFrom(fixture('failed-exit-code.txt'))).toMatchObject({
      state: 'failed',
      subState: 'failed',
      since: '2026-11-25T03:40:17.000Z',
      pid: null,
      detail:
        'coin.service failed (failed); result: exit-code; main process exited 1; restarted 5 time(s); unit file enabled',
    });
  });

  test('inactive (dead) after a stop', () => {
    expect(systemdStatusFrom(fixture('inactive-dead.txt'))).toMatchObject({
      state: 'inactive',
      subState: 'dead',
      since: '2026-11-26T17:05:44.000Z',
      detail: 'coin.service inactive (dead); main process exited 0; unit file disabled',
    });
  });

  test('activating (auto-restart) after being killed by a signal', () => {
    expect(systemdStatusFrom(fixture('activating-auto-restart.txt'))).toMatchObject({
      state: 'activating',
      subState: 'auto-restart',
      since: '2026-11-27T11:30:15.000Z',
      detail: expect.stringContaining('result: signal; main process killed by signal 9; restarted 2 time(s)'),
    });
  });

  test('a unit that is not installed says how to install it', () => {
    expect(systemdStatusFrom(fixture('not-found.txt'))).toMatchObject({
      state: 'inactive',
      since: null,
      detail: 'coin.service is not-found: install it with coin service install',
    });
  });

  test('systemd without StateChangeTimestamp: the timestamp of the current state', () => {
    expect(systemdStatusFrom(fixture('old-systemd-active.txt'))).toMatchObject({
      state: 'active',
      since: '2026-11-23T22:01:10.000Z',
      pid: 1207,
    });
  });

  test('an unknown ActiveState is unknown, not a crash', () => {
    expect(systemdStatusFrom('ActiveState=maintenance\n').state).toBe('unknown');
  });
});

describe('parseSystemdTimestamp', () => {
  test.each([
    ['Tue 2026-11-24 09:12:03 UTC', Date.UTC(2026, 10, 24, 9, 12, 3)],
    ['2026-11-24 09:12:03.250 UTC', Date.UTC(2026, 10, 24, 9, 12, 3, 250)],
    ['Tue 2026-11-24 10:12:03 +01:00', Date.UTC(2026, 10, 24, 9, 12, 3)],
    ['Tue 2026-11-24 04:12:03 -0500', Date.UTC(2026, 10, 24, 9, 12, 3)],
    ['@1795826529', 1795826529000],
    ['n/a', null],
    ['', null],
    ['Tue 2026-11-24 10:12:03 CET', null],
  ])('%s', (text, expected) => {
    expect(parseSystemdTimestamp(text)).toBe(expected);
  });

  test('values may contain =', () => {
    expect(parseShowOutput('Environment=A=1 B=2\nX=')).toEqual(
      new Map([
        ['Environment', 'A=1 B=2'],
        ['X', ''],
      ]),
    );
  });
});
