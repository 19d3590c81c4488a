import { describe, expect, test } from 'vitest';
import { evaluateDoctor, type SystemFacts } from '../../../../runner/core/doctor';
import { formatBytes } from '../../../../runner/core/format-bytes';

const gib = 1024 ** 3;
const healthy: SystemFacts = {
  platform: 'linux',
  nodeVersion: '20.20.2',
  gitVersion: 'git version 2.39.5',
  workingDir: { path: '/srv/coin', exists: true, writable: true },
  disk: { freeBytes: 80 * gib, totalBytes: 250 * gib },
  sqlite: { ok: true, version: '3.53.2' },
};
const at = new Date('2026-11-27T12:00:00Z');

function statusOf(facts: Partial<SystemFacts>, id: string) {
  return evaluateDoctor({ ...healthy, ...facts }, at).checks.find((c) => c.id === id)?.status;
}

describe('coin doctor decisions', () => {
  test('a healthy Linux machine passes every check', () => {
    const report = evaluateDoctor(healthy, at);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['git', 'ok'],
      ['node', 'ok'],
      ['working-dir', 'ok'],
      ['disk', 'ok'],
      ['sqlite', 'ok'],
      ['platform', 'ok'],
    ]);
    expect(report.checkedAt).toBe('2026-11-27T12:00:00.000Z');
  });

  test('missing or old git fails and says what to install', () => {
    const report = evaluateDoctor({ ...healthy, gitVersion: null }, at);
    expect(report.ok).toBe(false);
    expect(report.checks[0]?.detail).toContain('install git >= 2.0.0');
    expect(statusOf({ gitVersion: 'git version 1.9.5' }, 'git')).toBe('fail');
  });

  test('Node older than 20.19 fails', () => {
    expect(statusOf({ nodeVersion: '20.18.0' }, 'node')).toBe('fail');
    expect(statusOf({ nodeVersion: '22.12.0' }, 'node')).toBe('ok');
  });

  test('an unwritable working directory fails with the probe reason', () => {
    const report = evaluateDoctor(
      {
        ...healthy,
        workingDir: { path: '/x', exists: false, writable: false, problem: '/ is not writable' },
      },
      at,
    );
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'working-dir')?.detail).toBe('/ is not writable');
  });

  test('disk: fail below the minimum, warn below the comfort level', () => {
    expect(statusOf({ disk: { freeBytes: 0.5 * gib, totalBytes: 10 * gib } }, 'disk')).toBe('fail');
    expect(statusOf({ disk: { freeBytes: 5 * gib, totalBytes: 10 * gib } }, 'disk')).toBe('warn');
    expect(statusOf({ disk: null }, 'disk')).toBe('fail');
    expect(evaluateDoctor({ ...healthy, disk: { freeBytes: 5 * gib, totalBytes: 10 * gib } }, at).ok).toBe(
      true,
    );
  });

  test('a non-Linux platform only warns: local instances work there', () => {
    const report = evaluateDoctor({ ...healthy, platform: 'darwin' }, at);
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.id === 'platform')).toMatchObject({ status: 'warn', required: false });
  });

  test('a SQLite driver that does not load fails', () => {
    expect(statusOf({ sqlite: { ok: false, problem: 'wrong ABI' } }, 'sqlite')).toBe('fail');
  });

  test('bytes read as people read them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(80 * gib)).toBe('80.0 GiB');
  });
});
