/**
 * The restart announcement the guide asks for before an update: a per-profile template (kept with
 * the profile) with placeholders filled from the plan and the time chosen for the restart.
 */

/** The placeholders a template may use, with what they become. */
export const announcementPlaceholders = {
  '{instance}': "the profile's name",
  '{time}': 'when the restart happens (as chosen)',
  '{revision}': 'the revision the update moves to (short sha)',
  '{commits}': 'how many commits come in',
  '{downtime}': 'the expected downtime (as chosen)',
} as const;

/** The template of a profile that has none of its own. */
export const defaultAnnouncementTemplate =
  'Coin ({instance}) restarts at {time} for an update to {revision} ({commits} commit(s)). ' +
  'Expected downtime: {downtime}. Running integrations are interrupted and queued again by themselves; ' +
  'the maintenance page answers meanwhile.';

/** What fills the placeholders. */
export interface AnnouncementValues {
  instance: string;
  time: string;
  revision: string;
  commits: number;
  downtime: string;
}

/** The template with every known placeholder replaced (unknown braces are left as written). */
export function fillAnnouncement(template: string, values: AnnouncementValues): string {
  const byName: Record<string, string> = {
    '{instance}': values.instance,
    '{time}': values.time,
    '{revision}': values.revision,
    '{commits}': String(values.commits),
    '{downtime}': values.downtime,
  };
  return template.replace(/\{(instance|time|revision|commits|downtime)\}/g, (name) => byName[name] ?? name);
}

/** The expected downtime in words: the stop, the pull and the start, and npm ci when the lockfile changes. */
export function expectedDowntime(dependenciesChange: boolean): string {
  return dependenciesChange ? 'about 10 minutes (dependencies are installed)' : 'about 2 minutes';
}

/** A time for the restart, `minutes` from `now`, as HH:MM in the local time zone. */
export function restartTimeIn(now: Date, minutes: number): string {
  const at = new Date(now.getTime() + minutes * 60_000);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}
