/** How the dashboard writes times, durations and sizes. */

/** `1 h 5 min`, `3 min 20 s`, `12 s`, `450 ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** How long ago: `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatAge(iso: string, nowMs: number): string {
  const ms = nowMs - Date.parse(iso);
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10_000) return 'just now';
  const m = Math.floor(ms / 60_000);
  if (m < 1) return `${Math.floor(ms / 1000)} s ago`;
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ago` : `${Math.floor(h / 24)} d ago`;
}

/** The time between start and end (or now, while it runs); undefined before it started. */
export function elapsed(started: string | null, finished: string | null, nowMs: number): number | undefined {
  if (!started) return undefined;
  return (finished ? Date.parse(finished) : nowMs) - Date.parse(started);
}

/** A local date and time, to the second: `2026-11-28 00:44:17`. */
export function formatTime(iso: string | null): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * A failure reason as a headline and its details: the runner writes `<message> (<cause>) (<where>)`,
 * where the message is the instruction's userMessageOnFailure when it has one.
 */
export function splitReason(reason: string): { headline: string; details: string } {
  const at = reason.indexOf(' (');
  if (at <= 0) return { headline: reason, details: '' };
  return { headline: reason.slice(0, at), details: reason.slice(at + 1) };
}

/** The first characters of a hash. */
export function shortSha(sha: string | null | undefined, length = 10): string {
  return sha ? sha.slice(0, length) : '–';
}

/** `+1:02:03.250`, `+2:03.250`, `-0:00.120`: a log line's time after (or before) the start. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const total = Math.round(Math.abs(ms));
  const two = (n: number) => String(n).padStart(2, '0');
  const [h, m, s] = [
    Math.floor(total / 3_600_000),
    Math.floor(total / 60_000) % 60,
    Math.floor(total / 1000) % 60,
  ];
  const rest = `${two(s)}.${String(total % 1000).padStart(3, '0')}`;
  return h > 0 ? `${sign}${h}:${two(m)}:${rest}` : `${sign}${m}:${rest}`;
}

/** A local date and time to the millisecond: `2026-11-28 00:44:17.123`. */
export function formatTimeMs(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '–';
  return `${formatTime(d.toISOString())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
