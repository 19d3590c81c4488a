// What the app shows of stored health runs: trends, changes since the run before, the report.
import { describe, expect, test } from 'vitest';
import { healthCheck } from '../../../../runner/core/health-checks';
import { healthChanges, healthReportMarkdown, healthTrend } from '../../../../runner/core/health-history';
import type { HealthRun } from '../../../../runner/core/instance-api-health';

const run = (id: number, at: string, disk: 'ok' | 'fail', web: 'skipped' | 'fail'): HealthRun => ({
  id,
  checkedAt: at,
  trigger: 'schedule',
  overall: disk === 'fail' || web === 'fail' ? 'fail' : 'ok',
  ms: 3,
  checks: [healthCheck('disk', disk, `disk ${disk}`), healthCheck('web-servers', web, `web ${web}`)],
});
const runs = [
  run(1, '2026-12-01T00:00:00.000Z', 'ok', 'skipped'),
  run(2, '2026-12-02T00:00:00.000Z', 'fail', 'fail'),
];

describe('health history', () => {
  test('a trend is a point per run, skipped runs left out', () => {
    expect(healthTrend(runs, 'disk')).toEqual([
      { timeMs: Date.parse('2026-12-01T00:00:00.000Z'), value: 0 },
      { timeMs: Date.parse('2026-12-02T00:00:00.000Z'), value: 2 },
    ]);
    expect(healthTrend(runs, 'web-servers')).toHaveLength(1);
  });
  test('the changes between the last two runs, nothing with one run', () => {
    expect(healthChanges(runs.slice(0, 1))).toEqual([]);
    expect(healthChanges(runs).map((c) => `${c.id}:${c.from}->${c.to}`)).toEqual([
      'disk:ok->fail',
      'web-servers:skipped->fail',
    ]);
  });
  test('the Markdown report names the last run, the changes and each check over the period', () => {
    const text = healthReportMarkdown({ runs, intervalMinutes: 60, nextRunAt: null }, 'master');
    expect(text).toContain(
      '2 runs from 2026-12-01T00:00:00.000Z to 2026-12-02T00:00:00.000Z; the last one: **fail**.',
    );
    expect(text).toContain('| Disk space | fail | disk fail |');
    expect(text).toContain('- Disk space: ok → fail (disk fail)');
    expect(text).toContain('- Disk space: ok 1, warn 0, fail 1, skipped 0');
    expect(healthReportMarkdown({ runs: [], intervalMinutes: 0, nextRunAt: null }, 'm')).toContain('No run');
  });
});
