/**
 * What the app shows of an instance's stored health runs (instance-api-health.ts), as functions of
 * plain values: each check's trend as points for a chart, what changed since the run before the
 * last, and the report to export (Markdown; JSON is the history itself).
 */
import { healthCheckIds, healthCheckTitles, type HealthCheckId, type HealthStatus } from './health-checks';
import type { HealthHistory, HealthRun } from './instance-api-health';

/** A status as a height in the trend chart: ok 0, warn 1, fail 2; skipped is not drawn. */
export function healthLevel(status: HealthStatus): number | null {
  return status === 'skipped' ? null : { ok: 0, warn: 1, fail: 2 }[status];
}

/** The points of one check over the runs (oldest first), skipped runs left out. */
export function healthTrend(
  runs: readonly HealthRun[],
  id: HealthCheckId,
): { timeMs: number; value: number }[] {
  return runs.flatMap((run) => {
    const check = run.checks.find((c) => c.id === id);
    const value = check ? healthLevel(check.status) : null;
    return value === null ? [] : [{ timeMs: Date.parse(run.checkedAt), value }];
  });
}

/** One check that came out differently in the last run than in the one before. */
export interface HealthChange {
  id: HealthCheckId;
  title: string;
  from: HealthStatus | null;
  to: HealthStatus | null;
  summary: string;
}

/** The checks whose status or sentence changed between the last two runs (none with fewer runs). */
export function healthChanges(runs: readonly HealthRun[]): HealthChange[] {
  const [before, last] = runs.slice(-2);
  if (!before || !last) return [];
  return healthCheckIds.flatMap((id) => {
    const a = before.checks.find((c) => c.id === id);
    const b = last.checks.find((c) => c.id === id);
    if (a?.status === b?.status && a?.summary === b?.summary) return [];
    return [
      {
        id,
        title: healthCheckTitles[id],
        from: a?.status ?? null,
        to: b?.status ?? null,
        summary: b?.summary ?? 'not checked in the last run',
      },
    ];
  });
}

/** How often each status came out for one check over the runs. */
function counts(runs: readonly HealthRun[], id: HealthCheckId): string {
  const n: Record<string, number> = {};
  for (const run of runs) {
    const status = run.checks.find((c) => c.id === id)?.status;
    if (status) n[status] = (n[status] ?? 0) + 1;
  }
  return (['ok', 'warn', 'fail', 'skipped'] as const).map((s) => `${s} ${n[s] ?? 0}`).join(', ');
}

/** The report to paste into a ticket or a wiki: the last run, what changed, each check's record. */
export function healthReportMarkdown(history: HealthHistory, instance: string): string {
  const runs = history.runs;
  const last = runs[runs.length - 1];
  const lines = [`# Health of ${instance}`, ''];
  if (!last) return [...lines, 'No run of the health checks is stored yet.', ''].join('\n');
  lines.push(
    `${runs.length} runs from ${runs[0]!.checkedAt} to ${last.checkedAt}; the last one: **${last.overall}**.`,
    '',
    '## The last run',
    '',
    '| check | status | summary |',
    '| --- | --- | --- |',
    ...last.checks.map((c) => `| ${c.title} | ${c.status} | ${c.summary.replaceAll('|', '\\|')} |`),
    '',
    '## Changed since the run before',
    '',
  );
  const changes = healthChanges(runs);
  lines.push(
    ...(changes.length
      ? changes.map((c) => `- ${c.title}: ${c.from ?? '-'} → ${c.to ?? '-'} (${c.summary})`)
      : ['Nothing changed.']),
    '',
    '## Each check over the period',
    '',
    ...healthCheckIds.map((id) => `- ${healthCheckTitles[id]}: ${counts(runs, id)}`),
    '',
  );
  return lines.join('\n');
}
