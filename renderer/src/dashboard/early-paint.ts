/**
 * The log page's early paint: when the dashboard opens on a log (`#/log/<work item>`, with or
 * without `?line=N`), the first lines (or those around line N) are asked for and drawn as plain
 * `.log-line` rows while the application's bundle still loads. Opened by the log's link the
 * instance gives out (`?log=<work item>&line=N`, runner/core/log-link.ts), the page already holds
 * those lines (the server read them before it answered) and nothing is asked for. The instance
 * inlines this code into the page (Vite builds it alone, from early-paint-entry.ts, into
 * build/out/renderer/early-paint.js; dashboard-routes.ts puts it into the HTML with its hash in
 * the Content-Security-Policy), so its built file must import nothing at run time (log-link.ts,
 * which has no imports, is bundled into it). The log page takes over from it (early-log.ts): it
 * shows the same lines from the first render and removes the early rows.
 *
 * The early paint also starts the application: the instance moves the bundle's module script and
 * preloads out of the page into the `coin-app-modules` meta, so that on a log page the bundle's
 * 450 kB do not compete with the lines for the instance and the browser before the lines are
 * drawn (on two cores that was a third of the time to the first lines). Any other page asks for
 * the bundle at once.
 */
import { earlyLineCount, earlyWindow, embeddedLinesId, parseLogLink } from '../../../runner/core/log-link';
import type { LogLines } from './api-types';
import type { EarlyLog } from './early-log';

export { earlyLineCount };
/** The height of a row, as the log page's (log-page.tsx). */
export const earlyLineHeight = 18;
/** The `<meta>` whose content is the lines URL with `idMarker` for the work item. */
export const linesMetaName = 'coin-log-lines';
/** The `<meta>` whose content is the task list's first page, fetched early on any other page. */
export const taskPreloadMetaName = 'coin-task-preload';
/** The `<meta>` whose content is the application's entry module, then the modules it imports. */
export const appModulesMetaName = 'coin-app-modules';
/** Longest wait for the frame with the early lines before the application is asked for anyway. */
const appStartFallbackMs = 100;
export const idMarker = '~id~';

/** What to ask for. */
export interface EarlyLogRequest {
  workItemId: string;
  /** The asked line (1-based), as `?line=N` says; absent for the top of the log. */
  line?: number;
  from: number;
  count: number;
}

/** The request for a location hash, when it is a log page (as route.ts's parseRoute reads it). */
export function earlyLogRequest(hash: string): EarlyLogRequest | undefined {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page, ...rest] = path.split('/');
  if (page !== 'log') return undefined;
  let workItemId: string;
  try {
    workItemId = decodeURIComponent(rest.join('/'));
  } catch {
    return undefined;
  }
  if (!workItemId) return undefined;
  const line = Number(new URLSearchParams(search).get('line'));
  if (!Number.isInteger(line) || line <= 0) return { workItemId, ...earlyWindow(undefined) };
  return { workItemId, line, ...earlyWindow(line) };
}

/**
 * The dashboard's hash route for a log's link (`?log=<id>&line=N` -> `#/log/<id>?line=N`), the
 * address the page takes before anything reads it; undefined when the query names no log.
 */
export function hashOfLogLink(search: string): string | undefined {
  const link = parseLogLink(search);
  if (!link) return undefined;
  return `#/log/${encodeURIComponent(link.workItemId)}${link.line === undefined ? '' : `?line=${link.line}`}`;
}

/**
 * The lines the instance put into the page for exactly this request, or undefined (none, another
 * log or line, or not a page of lines).
 */
export function embeddedPage(doc: Document, request: EarlyLogRequest): LogLines | undefined {
  const text = doc.getElementById(embeddedLinesId)?.textContent;
  if (!text) return undefined;
  try {
    const data = JSON.parse(text) as { workItemId?: unknown; line?: unknown; page?: LogLines };
    const page = data.page;
    if (data.workItemId !== request.workItemId || (data.line ?? undefined) !== request.line) return undefined;
    if (!page || !Array.isArray(page.lines) || page.from !== request.from) return undefined;
    return page;
  } catch {
    return undefined;
  }
}

/** The lines URL (relative to the page) of a request, from the template the instance wrote. */
export function earlyLinesUrl(template: string, request: EarlyLogRequest): string {
  const path = template.replace(idMarker, encodeURIComponent(request.workItemId));
  return `${path}?from=${request.from}&count=${request.count}`;
}

/** A line's text without its terminal escape sequences (the log page draws their colours). */
export function plainLogText(line: string): string {
  return line.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]/g, ''); // eslint-disable-line no-control-regex -- escape sequences are control characters
}

/** Indexes [start, end) into a page's lines: those a window of `height` pixels shows first. */
export function firstScreen(request: EarlyLogRequest, page: LogLines, height: number): [number, number] {
  const rowsShown = Math.ceil(height / earlyLineHeight) + 2;
  const target = request.line === undefined ? 0 : request.line - 1 - page.from - Math.floor(rowsShown / 2);
  const start = Math.min(Math.max(0, target), Math.max(0, page.lines.length - rowsShown));
  return [start, Math.min(page.lines.length, start + rowsShown)];
}

/** Rows [start, end) of `page` in the log page's markup: number link, text (as text, never as HTML). */
function appendRows(
  spacer: HTMLElement,
  request: EarlyLogRequest,
  page: LogLines,
  [start, end]: [number, number],
): void {
  const doc = spacer.ownerDocument;
  const hash = `#/log/${encodeURIComponent(request.workItemId)}?line=`;
  for (let i = start; i < end; i++) {
    const n = page.from + i + 1;
    const row = doc.createElement('div');
    row.className = n === request.line ? 'log-line marked' : 'log-line';
    row.dataset.line = String(n);
    row.style.transform = `translateY(${i * earlyLineHeight}px)`;
    row.style.height = `${earlyLineHeight}px`;
    const number = doc.createElement('a');
    number.className = 'ln';
    number.href = hash + n;
    number.textContent = String(n);
    const body = doc.createElement('span');
    body.className = 'lt';
    body.textContent = plainLogText(page.lines[i]!);
    row.append(number, body);
    spacer.append(row);
  }
}

/** The early lines on the page, and drawing the rest of them. */
export interface EarlyPaint {
  overlay: HTMLElement;
  /** Draws the lines the first screen did not show. */
  drawRest(): void;
}

/**
 * Draws the lines over the page (fixed, until the log page takes over): only those the window
 * shows first (laying out every line of the page took 15 ms of a fresh renderer's time to the
 * first lines); the others when asked. The scroll area holds the page's lines, not the whole log:
 * a spacer as tall as a million-line log (18,000,000 px) cost the first paint about 8 ms.
 */
export function paintEarlyLog(doc: Document, request: EarlyLogRequest, page: LogLines): EarlyPaint {
  const overlay = doc.createElement('section');
  overlay.className = 'early-log';
  overlay.dataset.testid = 'early-log';
  const title = doc.createElement('h1');
  title.textContent = `Log of ${request.workItemId}`;
  const view = doc.createElement('div');
  view.className = 'log-view';
  const spacer = doc.createElement('div');
  spacer.className = 'early-log-lines';
  spacer.style.height = `${page.lines.length * earlyLineHeight}px`;
  const first = firstScreen(request, page, doc.defaultView?.innerHeight ?? 800);
  appendRows(spacer, request, page, first);
  view.append(spacer);
  overlay.append(title, view);
  doc.body.append(overlay);
  if (request.line !== undefined)
    view.scrollTop = (request.line - 0.5 - page.from) * earlyLineHeight - view.clientHeight / 2;
  let drawn = false;
  const drawRest = () => {
    if (drawn || !overlay.isConnected) return;
    drawn = true;
    appendRows(spacer, request, page, [0, first[0]]);
    appendRows(spacer, request, page, [first[1], page.lines.length]);
  };
  return { overlay, drawRest };
}

/** Preloads the task list's first page (which the page asks for when it opens on the list). */
function preloadTaskList(doc: Document): void {
  const href = doc.querySelector(`meta[name="${taskPreloadMetaName}"]`)?.getAttribute('content');
  if (!href) return;
  const link = doc.createElement('link');
  link.rel = 'preload';
  link.as = 'fetch';
  link.crossOrigin = 'anonymous';
  link.href = href;
  doc.head.append(link);
}

/**
 * Starts the application the instance moved into the `coin-app-modules` meta: its modules are
 * preloaded at once, its entry runs once the page is parsed (as the module script would have).
 * Nothing happens when the page carries the bundle's own script (no meta).
 */
function startApp(doc: Document, parsed: Promise<void>): void {
  const modules = doc.querySelector(`meta[name="${appModulesMetaName}"]`)?.getAttribute('content');
  const [entry, ...imports] = modules?.split(' ').filter(Boolean) ?? [];
  if (!entry) return;
  for (const href of [entry, ...imports]) {
    const link = doc.createElement('link');
    link.rel = 'modulepreload';
    link.crossOrigin = '';
    link.href = href;
    doc.head.append(link);
  }
  void parsed.then(() => {
    const script = doc.createElement('script');
    script.type = 'module';
    script.crossOrigin = '';
    script.src = entry;
    doc.head.append(script);
  });
}

/** Once: `start` after the next frame (the one with the early lines), or after a while without frames. */
function afterNextFrame(win: Window, start: () => void): void {
  let started = false;
  const once = () => {
    if (started) return;
    started = true;
    start();
  };
  win.requestAnimationFrame(() => win.setTimeout(once, 0));
  win.setTimeout(once, appStartFallbackMs);
}

/**
 * Starts the early paint for the page's location, when it is a log page: asks for the lines at
 * once, draws them when they and the body are there, and leaves `window.coinEarlyLog` for the log
 * page; the application is asked for after the frame that shows them (or at once when there are
 * none to draw). Leaving the log page before the application starts removes the rows. Any other
 * page gets the task list's first page preloaded and the application at once (a log page leaves
 * the instance that work).
 */
export function startEarlyPaint(win: Window): void {
  const doc = win.document;
  // The body is there once the page is parsed ('interactive'), before the bundle runs.
  const bodyReady = new Promise<void>((resolve) =>
    doc.readyState === 'loading'
      ? doc.addEventListener('readystatechange', () => resolve(), { once: true })
      : resolve(),
  );
  // A log's link (`?log=<id>`) becomes the log page's hash route before the application reads it.
  const linked = hashOfLogLink(win.location.search);
  if (linked) win.history.replaceState(win.history.state, '', `./${linked}`);
  const request = earlyLogRequest(win.location.hash);
  const template = doc.querySelector(`meta[name="${linesMetaName}"]`)?.getAttribute('content');
  if (!request || !template) {
    if (!request) preloadTaskList(doc);
    return startApp(doc, bodyReady);
  }
  let overlay: HTMLElement | undefined;
  let ended = false;
  // The lines the instance put into the page for a log's link, else asked for now.
  const embedded = embeddedPage(doc, request);
  const early: EarlyLog = {
    ...request,
    page: embedded
      ? Promise.resolve(embedded)
      : fetch(earlyLinesUrl(template, request), { headers: { accept: 'application/json' } })
          .then((response) => (response.ok ? (response.json() as Promise<LogLines>) : undefined))
          .catch(() => undefined),
    takeOver() {
      ended = true;
      if (win.coinEarlyLog === early) win.coinEarlyLog = undefined;
      const top = overlay?.querySelector('.log-view')?.scrollTop;
      overlay?.remove();
      // in the whole log's rows: the early view starts at its page's first line
      return top === undefined ? undefined : top + (early.lines?.from ?? 0) * earlyLineHeight;
    },
  };
  win.coinEarlyLog = early;
  void early.page.then((page) => (early.lines = page));
  win.addEventListener('hashchange', () => early.takeOver(), { once: true });
  void Promise.all([early.page, bodyReady]).then(([page]) => {
    if (!page || !Array.isArray(page.lines) || !Number.isInteger(page.from) || ended)
      return startApp(doc, bodyReady);
    const paint = paintEarlyLog(doc, request, page);
    overlay = paint.overlay;
    afterNextFrame(win, () => {
      paint.drawRest();
      startApp(doc, bodyReady);
    });
  });
}
