/**
 * Lines of the two journal sources as entries: `journalctl -o json` records (whose MESSAGE is
 * usually one of Coin's own JSON log lines) and lines of the `coin service` log file.
 */
import type { JournalEntry, JournalLevel } from '../../common/journal-entry';

/** An entry before the follower numbers it. */
export type ParsedEntry = Omit<JournalEntry, 'seq'>;

const pinoLevels: [number, JournalLevel][] = [
  [60, 'critical'],
  [50, 'error'],
  [40, 'warning'],
  [30, 'info'],
  [0, 'debug'],
];

/** pino's numeric level (10 trace ... 60 fatal) in the journal's words. */
export function levelOfPino(level: number): JournalLevel {
  return pinoLevels.find(([min]) => level >= min)?.[1] ?? 'info';
}

const syslogLevels: JournalLevel[] = [
  'critical',
  'critical',
  'critical',
  'error',
  'warning',
  'notice',
  'info',
  'debug',
];

/** A syslog PRIORITY (0 emerg ... 7 debug) in the journal's words. */
export function levelOfPriority(priority: number): JournalLevel {
  return syslogLevels[priority] ?? 'info';
}

/** The level a plain text line (a stack trace, a crash message) suggests. */
export function levelOfText(text: string): JournalLevel {
  if (/\b(fatal|critical|panic)\b/i.test(text)) return 'critical';
  if (/\b(error|exception|traceback)\b|^\s+at .+:\d+:\d+\)?$/i.test(text)) return 'error';
  if (/\bwarn(ing)?\b/i.test(text)) return 'warning';
  return 'info';
}

interface PinoLine {
  level: number;
  time?: number;
  msg?: string;
  pid?: number;
  err?: { message?: string; stack?: string };
}

/** One of Coin's JSON log lines, or undefined when the text is not one. */
export function parsePinoLine(text: string): ParsedEntry | undefined {
  if (!text.startsWith('{')) return undefined;
  let value: PinoLine;
  try {
    value = JSON.parse(text) as PinoLine;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof value.level !== 'number') return undefined;
  const { level, time, msg, pid, err, ...rest } = value;
  const extra = Object.entries(rest)
    .filter(([key]) => key !== 'hostname' && key !== 'name')
    .map(([key, v]) => `${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const message = [msg ?? '', err?.stack ?? err?.message ?? '', ...extra].filter(Boolean).join(' ');
  return {
    time: typeof time === 'number' ? time : null,
    level: levelOfPino(level),
    message,
    pid: typeof pid === 'number' ? pid : null,
  };
}

/** A line of the `coin service` log: Coin's JSON, or plain text (what a crash prints). */
export function parseServiceLogLine(line: string): ParsedEntry {
  return parsePinoLine(line) ?? { time: null, level: levelOfText(line), message: line, pid: null };
}

interface JournalRecord {
  __CURSOR?: string;
  __REALTIME_TIMESTAMP?: string;
  PRIORITY?: string;
  MESSAGE?: string | number[] | null;
  _PID?: string;
}

/** One `journalctl -o json` line: the entry and its cursor; undefined when it is not a record. */
export function parseJournalJson(line: string): { entry: ParsedEntry; cursor: string } | undefined {
  let record: JournalRecord;
  try {
    record = JSON.parse(line) as JournalRecord;
  } catch {
    return undefined;
  }
  if (!record.__CURSOR) return undefined;
  // journald stores messages that are not valid UTF-8 as an array of bytes.
  const message = Array.isArray(record.MESSAGE)
    ? Buffer.from(record.MESSAGE).toString('utf8')
    : (record.MESSAGE ?? '');
  const time = record.__REALTIME_TIMESTAMP ? Math.floor(Number(record.__REALTIME_TIMESTAMP) / 1000) : null;
  const pid = record._PID ? Number(record._PID) : null;
  const inner = parsePinoLine(message);
  const entry: ParsedEntry = inner
    ? { ...inner, time: inner.time ?? time, pid: inner.pid ?? pid }
    : { time, level: levelOfPriority(Number(record.PRIORITY ?? 6)), message, pid };
  return { entry, cursor: record.__CURSOR };
}
