/**
 * What the "Draft bug report" buttons of a failed check and of a journal error signature hand to
 * the builder (runner/core/bug-report.ts): the source (grouped journal errors by signature) and
 * the context (the profile's name and tracker URL, the app's and the runner's versions).
 */
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { JournalEntry } from '../../../../electron/common/journal-entry';
import type { WatchTarget } from '../../../../electron/common/local-runner-contract';
import type { MaintenanceCheck } from '../../../../electron/common/maintenance-contract';
import {
  draftBugReport,
  type BugReportDraft,
  type BugReportSource,
} from '../../../../runner/core/bug-report';
import { COIN_REVISION } from '../../../../runner/core/build-key';

/** Evidence lines of a check put in the report's summary at most. */
const maxEvidence = 5;
/** Lines of a signature kept for the report. */
const maxLines = 50;

/**
 * An error message without what changes from one occurrence to the next: its first line, with
 * long hex ids, numbers and quoted strings replaced, cut to 160 characters.
 */
export function errorSignature(message: string): string {
  const first = message.split('\n')[0]!.trim();
  return first
    .replace(/\b[0-9a-f]{7,}\b/gi, '<id>')
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/\d+/g, '<n>')
    .slice(0, 160);
}

/** Occurrences of one error signature in the loaded journal. */
export interface SignatureGroup {
  signature: string;
  count: number;
  /** Times of the first and last occurrence (null: the source gave none). */
  firstSeen: number | null;
  lastSeen: number | null;
  lines: string[];
}

const earlier = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const when = (time: number | null) => (time === null ? '(no time)' : new Date(time).toISOString());

/** The error and critical entries grouped by signature, the most frequent first. */
export function errorSignatures(entries: readonly JournalEntry[]): SignatureGroup[] {
  const groups = new Map<string, SignatureGroup>();
  for (const entry of entries) {
    if (entry.level !== 'error' && entry.level !== 'critical') continue;
    const signature = errorSignature(entry.message);
    const group = groups.get(signature) ?? {
      signature,
      count: 0,
      firstSeen: entry.time,
      lastSeen: entry.time,
      lines: [],
    };
    group.count++;
    group.firstSeen = earlier(group.firstSeen, entry.time);
    group.lastSeen = later(group.lastSeen, entry.time);
    group.lines = [...group.lines, `${when(entry.time)} ${entry.level.toUpperCase()} ${entry.message}`].slice(
      -maxLines,
    );
    groups.set(signature, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
}

/** The source of a report about a journal signature. */
export function journalSource(group: SignatureGroup): BugReportSource {
  return {
    kind: 'journal',
    signature: group.signature,
    count: group.count,
    firstSeen: when(group.firstSeen),
    lastSeen: when(group.lastSeen),
    lines: group.lines,
  };
}

/** The source of a report about a failed check: its summary, then its first evidence lines. */
export function checkSource(check: MaintenanceCheck, checkedAt: string): BugReportSource {
  const evidence = check.details.slice(0, maxEvidence);
  const more = check.details.length > maxEvidence ? ` (+${check.details.length - maxEvidence} more)` : '';
  return {
    kind: 'check',
    title: check.title,
    detail: evidence.length ? `${check.summary}. Evidence: ${evidence.join('; ')}${more}` : check.summary,
    checkedAt,
  };
}

/** The draft of a report about `source` on a profile's instance, with the versions known. */
export async function draftFor(
  desk: DeskApi,
  profileId: string,
  source: BugReportSource,
): Promise<BugReportDraft> {
  const [app, profiles, status] = await Promise.all([
    desk.appInfo({}),
    desk.profilesList({}),
    desk.instanceStatus({ profileId }).catch(() => null),
  ]);
  const profile = profiles.profiles.find((p) => p.id === profileId);
  return draftBugReport(source, {
    instance: profile?.name ?? profileId,
    versions: {
      app: app.version,
      appRevision: app.revision,
      runnerRevision: status?.version ?? null,
      coinRevision: COIN_REVISION,
      node: `${app.nodeVersion} (the app's; the runner's is in a diagnosis)`,
    },
    trackerUrl: profile?.trackerUrl ?? null,
  });
}

/**
 * The draft of a report about an instance the Integrations area shows: a profile's (as draftFor),
 * or a runner the app hosts, which is the app's own bundled runner (its revision is the app's, it
 * runs on the app's Node) and has no profile, so no tracker URL.
 */
export async function draftForTarget(
  desk: DeskApi,
  target: WatchTarget,
  label: string,
  source: BugReportSource,
): Promise<BugReportDraft> {
  if (target.kind === 'profile') return draftFor(desk, target.profileId, source);
  const app = await desk.appInfo({});
  return draftBugReport(source, {
    instance:
      label === target.workingDir
        ? `local runner ${target.workingDir}`
        : `${label} (local runner ${target.workingDir})`,
    versions: {
      app: app.version,
      appRevision: app.revision,
      runnerRevision: `the app's bundled runner (${app.revision ?? app.version})`,
      coinRevision: COIN_REVISION,
      node: app.nodeVersion,
    },
    trackerUrl: null,
  });
}
