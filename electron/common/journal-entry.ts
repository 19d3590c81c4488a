/**
 * Journal entries as the UI shows them, and the filters over them: level, text, the guide's
 * "traceback|warning|error|critical" problems filter and time ranges. Pure functions on values,
 * shared by the services and the renderer.
 */
import * as z from 'zod';

/** Levels from least to most severe. */
export const journalLevels = ['debug', 'info', 'notice', 'warning', 'error', 'critical'] as const;
export const journalLevelSchema = z.enum(journalLevels);
export type JournalLevel = z.infer<typeof journalLevelSchema>;

/** One line of the journal or of the `coin service` log. */
export const journalEntrySchema = z.object({
  /** Position in this app's buffer, increasing by one per entry. */
  seq: z.number().int(),
  /** Time of the entry (ms since epoch), when the source says. */
  time: z.number().nullable(),
  level: journalLevelSchema,
  message: z.string(),
  pid: z.number().int().nullable(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** What the viewer filters by; every part is optional. */
export interface JournalFilter {
  /** The lowest level shown. */
  minLevel?: JournalLevel;
  /** Case-insensitive substring of the message. */
  text?: string;
  /** Only lines matching the administration guide's traceback|warning|error|critical. */
  problemsOnly?: boolean;
  /** Time range (ms since epoch), inclusive. Entries without a time pass. */
  since?: number;
  until?: number;
}

/** The administration guide's daily-monitoring grep: `grep -iE "traceback|warning|error|critical"`. */
export const problemPattern = /traceback|warning|error|critical/i;

/** Whether one entry passes the filter. */
export function entryMatches(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.minLevel && journalLevels.indexOf(entry.level) < journalLevels.indexOf(filter.minLevel))
    return false;
  if (filter.text && !entry.message.toLowerCase().includes(filter.text.toLowerCase())) return false;
  if (filter.problemsOnly && !problemPattern.test(entry.message) && !isProblemLevel(entry.level))
    return false;
  if (entry.time !== null && filter.since !== undefined && entry.time < filter.since) return false;
  if (entry.time !== null && filter.until !== undefined && entry.time > filter.until) return false;
  return true;
}

/** The entries that pass the filter, in order. */
export function filterEntries(entries: readonly JournalEntry[], filter: JournalFilter): JournalEntry[] {
  return entries.filter((entry) => entryMatches(entry, filter));
}

/** A "last N minutes" range ending now. */
export function lastMinutes(minutes: number, now: number): Pick<JournalFilter, 'since' | 'until'> {
  return { since: now - minutes * 60_000, until: undefined };
}

function isProblemLevel(level: JournalLevel): boolean {
  return level === 'warning' || level === 'error' || level === 'critical';
}
