// The pure parts of `coin service`: the status judgement and the systemd unit text. (They live
// with the service's integration tests; runner unit tests belong to another area of the tree.)
import { describe, expect, test } from 'vitest';
import { judgeServiceStatus, type ServiceFacts } from '../../../runner/node/service/service-status';
import { systemdQuote, unitText } from '../../../runner/node/service/systemd-unit';

const facts: ServiceFacts = {
  workingDir: '/srv/coin',
  logFile: '/srv/coin/service/coin.log',
  pidRecord: undefined,
  alive: false,
  stateRecord: undefined,
  logModifiedAt: undefined,
  lockPort: undefined,
};
const record = { pid: 42, startedAt: '2026-11-28T10:00:00.000Z', processStart: '100', runArgs: [] };

describe('judgeServiceStatus', () => {
  test('never started', () => {
    expect(judgeServiceStatus(facts)).toMatchObject({ state: 'stopped', since: null, pid: null });
  });
  test('running: since the start, listening or still starting', () => {
    const starting = judgeServiceStatus({ ...facts, pidRecord: record, alive: true });
    expect(starting).toMatchObject({ state: 'running', since: record.startedAt, pid: 42, port: null });
    expect(starting.detail).toBe('starting: not listening yet');
    const listening = judgeServiceStatus({ ...facts, pidRecord: record, alive: true, lockPort: 8080 });
    expect(listening).toMatchObject({ port: 8080, detail: 'listening on port 8080' });
  });
  test('a pidfile whose process is gone is failed, since its last output', () => {
    const failed = judgeServiceStatus({
      ...facts,
      pidRecord: record,
      logModifiedAt: '2026-11-28T11:00:00.000Z',
      lockPort: 8080,
    });
    expect(failed).toMatchObject({ state: 'failed', since: '2026-11-28T11:00:00.000Z', port: null });
    const stale = judgeServiceStatus({
      ...facts,
      pidRecord: record,
      logModifiedAt: '2026-11-27T00:00:00.000Z',
    });
    expect(stale.since).toBe(record.startedAt);
  });
  test('the recorded state when nothing runs', () => {
    const stateRecord = {
      state: 'stopped' as const,
      since: '2026-11-28T12:00:00.000Z',
      detail: 'stopped by x',
    };
    expect(judgeServiceStatus({ ...facts, stateRecord })).toMatchObject(stateRecord);
  });
});

describe('the systemd unit', () => {
  test('arguments are quoted the way systemd reads them', () => {
    expect(systemdQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(systemdQuote('/srv/ci work')).toBe('"/srv/ci work"');
    expect(systemdQuote('100%')).toBe('100%%');
    expect(systemdQuote('a"b\\c$HOME')).toBe('"a\\"b\\\\c$$HOME"');
  });
  test('runs coin run in the working directory with JSON logs, restarts on failure', () => {
    const text = unitText({
      coinCommand: ['/usr/bin/node', '/opt/coin/runner/cli/coin.mjs'],
      workingDir: '/srv/coin',
      runArgs: ['--instance', 'real'],
    });
    expect(text).toContain(
      'ExecStart=/usr/bin/node /opt/coin/runner/cli/coin.mjs run --working-dir /srv/coin --log-format json --instance real\n',
    );
    expect(text).toContain('WorkingDirectory=/srv/coin\n');
    expect(text).toContain('Restart=on-failure\n');
    expect(text).toContain('[Install]\nWantedBy=default.target\n');
  });
});
