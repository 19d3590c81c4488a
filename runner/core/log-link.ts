/**
 * The link the instance gives out for a work item's log: `<root>?log=<id>` (with `&line=N` for
 * a line). The dashboard's own route for a log is `#/log/<id>?line=N`, but a URL's fragment never
 * reaches the server; this link's query does, so the server can put the log's first lines (or
 * those around line N) into the page it answers with, and the page draws them without asking
 * for them (dashboard-routes.ts, renderer/src/dashboard/early-paint.ts). The page turns the
 * address into the hash route before the application starts. Both sides take the window of lines
 * from here, so the lines in the page are the ones the page would have asked for.
 */

/** Lines drawn before the application starts: more than a window shows, few enough to draw at once. */
export const earlyLineCount = 200;

/**
 * The id of the `<script type="application/json">` in which the server puts a link's lines for the
 * page: `{ workItemId, line?, page }`, page as the lines API answers.
 */
export const embeddedLinesId = 'coin-early-lines';

/** A log, and the line it is opened at (1-based). */
export interface LogLink {
  workItemId: string;
  line?: number;
}

/** The query of a log's link, relative to the instance's root URL: `?log=<id>&line=N`. */
export function logLinkQuery(link: LogLink): string {
  const line = link.line !== undefined && link.line > 0 ? `&line=${link.line}` : '';
  return `?log=${encodeURIComponent(link.workItemId)}${line}`;
}

/** A line number as the dashboard's route reads one (route.ts): a positive integer, else none. */
export function lineParam(value: string | null | undefined): number | undefined {
  const line = Number(value ?? undefined);
  return Number.isInteger(line) && line > 0 ? line : undefined;
}

/** The log a query names (`log=<id>`, `line=N`), or undefined when it names none. */
export function parseLogLink(query: string | URLSearchParams): LogLink | undefined {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const workItemId = params.get('log');
  if (!workItemId) return undefined;
  const line = lineParam(params.get('line'));
  return line === undefined ? { workItemId } : { workItemId, line };
}

/** The lines [from, from + count) drawn first: the top of the log, or a window around `line`. */
export function earlyWindow(line: number | undefined): { from: number; count: number } {
  if (line === undefined) return { from: 0, count: earlyLineCount };
  return { from: Math.max(0, line - 1 - earlyLineCount / 2), count: earlyLineCount };
}
