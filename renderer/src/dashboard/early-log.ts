/**
 * The log page's side of the early paint (early-paint.ts): the lines the page drew before the
 * application started, and taking over from them. Only types are shared with early-paint.ts, so
 * the early paint stays a file of its own.
 */
import { logLinesSchema } from '../../../runner/core/instance-api';
import type { LogLines } from './api-types';
import type { LogLineCache } from './log-lines';

/** What the early paint leaves for the log page in `window.coinEarlyLog`. */
export interface EarlyLog {
  workItemId: string;
  line?: number;
  from: number;
  count: number;
  /** The answer to its request (undefined when it failed). */
  page: Promise<LogLines | undefined>;
  /** The answer, once it is there. */
  lines?: LogLines;
  /** Removes the early rows; returns how far the reader had scrolled them. */
  takeOver(): number | undefined;
}

declare global {
  interface Window {
    coinEarlyLog?: EarlyLog;
  }
}

/** The early paint of this log page (same work item and line), if there is one. */
export function earlyLogOf(win: Window, workItemId: string, line: number | undefined): EarlyLog | undefined {
  const early = win.coinEarlyLog;
  if (!early) return undefined;
  if (early.workItemId === workItemId && early.line === line) return early;
  early.takeOver();
  return undefined;
}

/** Puts lines the early paint fetched into the log page's cache; true when they were lines. */
export function seedFromEarly(cache: LogLineCache, page: unknown): boolean {
  const parsed = logLinesSchema.safeParse(page);
  if (!parsed.success) return false;
  cache.put(parsed.data.from, parsed.data.lines, parsed.data.total, parsed.data.times);
  return true;
}
