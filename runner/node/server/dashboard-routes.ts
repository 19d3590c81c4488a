/**
 * The dashboard and the documentation under the base path: `<base>/` is the renderer's
 * index.html with a marker that switches the React app to dashboard mode (same-origin API and
 * WebSocket instead of DeskApi), `<base>/assets/*` its files, `<base>/doc/*` the rendered docs.
 * Every URL the page uses is relative, so it works behind a reverse proxy under any path.
 * The page carries the log page's early paint inline (renderer/src/dashboard/early-paint.ts, built
 * into early-paint.js): a page opened on a log shows its first lines before the bundle has loaded.
 * With it, the bundle's module script and preloads leave the page for a `<meta>` the early paint
 * reads: it asks for the bundle after the first lines on a log page, at once on any other.
 * Asked for with a log's link (`<base>/?log=<work item>&line=N`, runner/core/log-link.ts), the page
 * also carries that log's first lines (or those around line N) as JSON the early paint draws: a
 * URL's fragment (`#/log/...`) never reaches the server, its query does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { instancePaths, taskListFirstPage as firstTaskPage, type LogLines } from '../../core/instance-api';
import { earlyWindow, embeddedLinesId, parseLogLink, type LogLink } from '../../core/log-link';
import { runnerLayout } from '../runner-layout';
import type { LogPageReader } from './log-routes';
import { dashboardCspFor } from './web-security';

/** Where the built renderer and docs are, by default those of this checkout or bundle. */
export const defaultWebDirs = {
  rendererDir: runnerLayout.rendererDir,
  docsDir: runnerLayout.docsDir,
};

/** The `<meta>` the page looks for to know a runner serves it. */
export const dashboardMarker = '<meta name="coin-dashboard" content="runner">';

/** No favicon request to a path outside the base path. */
const favicon = '<link rel="icon" href="data:,">';

/** The task list's first page: the page asks for exactly this URL when it opens on the task list. */
const taskListFirstPage = `./${firstTaskPage}`;

/** Without the early paint, the task list's first page is fetched while the scripts load. */
const staticTaskPreload = `<link rel="preload" href="${taskListFirstPage.replace(/&/g, '&amp;')}" as="fetch" crossorigin="anonymous">`;

export interface DashboardRouteOptions {
  basePath: string;
  /** The newest event seq, written into the page so its event stream starts where the page did. */
  eventSeq?: () => number;
  /** The event stream those seqs belong to (event-stream.ts), written into the page beside it. */
  eventStream?: () => string | undefined;
  /** Reads a page of a log, for the lines a log's link carries (log-routes.ts). */
  logPage?: LogPageReader;
  rendererDir?: string;
  docsDir?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A small HTML page for what the server says itself (missing build, doc index, maintenance). */
export function simplePage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:3em auto;padding:0 1em;line-height:1.5}</style>
</head><body>
${body}</body></html>
`;
}

/**
 * The early paint's script as the page carries it: a classic script (it runs where the parser
 * meets it, before the stylesheets and the bundle are loaded), its code in a function of its own
 * (nothing of it becomes a global), or undefined when the renderer build has none or it could not
 * sit inside a `<script>` element. Vite writes it as a module without imports or exports.
 */
async function earlyPaintScript(rendererDir: string): Promise<string | undefined> {
  const code = await readFile(path.join(rendererDir, 'early-paint.js'), 'utf8').catch(() => undefined);
  const body = code?.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '').trim();
  if (!body || /<\/script|<!--|^\s*(?:import|export)\b/im.test(body)) return undefined;
  return `(function(){'use strict';${body}\n})();`;
}

/**
 * The lines URL the early paint asks, with `~id~` for the work item (early-paint.ts's idMarker):
 * the page takes API paths from the contract, by way of the server.
 */
export const earlyLinesTemplate = instancePaths.workItemLogLines('~id~', {});

/** The `<meta>` with the bundle's modules (early-paint.ts's appModulesMetaName). */
const appModulesMeta = 'coin-app-modules';

/**
 * The page without its bundle's module script and module preloads, and their URLs (the entry
 * first); the page as it is when it does not have exactly one module script.
 */
export function takeAppModules(html: string): { html: string; modules: string[] } {
  const scripts = [...html.matchAll(/\s*<script type="module"[^>]*\ssrc="([^"]+)"[^>]*><\/script>/g)];
  if (scripts.length !== 1) return { html, modules: [] };
  const preloads = [...html.matchAll(/\s*<link rel="modulepreload"[^>]*\shref="([^"]+)"[^>]*>/g)];
  let rest = html;
  for (const match of [...scripts, ...preloads]) rest = rest.replace(match[0], '');
  return { html: rest, modules: [scripts[0]![1]!, ...preloads.map((m) => m[1]!)] };
}

/**
 * The page with its stylesheets inline (they block the first paint, and on two cores their
 * requests waited behind the page's own start) and their hashes; a stylesheet that cannot be
 * read or could end its `<style>` element stays a link.
 */
async function inlineStylesheets(
  html: string,
  rendererDir: string,
): Promise<{ html: string; hashes: string[]; complete: boolean }> {
  const links = [...html.matchAll(/<link rel="stylesheet"[^>]*\shref="\.\/assets\/([\w.-]+\.css)"[^>]*>/g)];
  const hashes: string[] = [];
  let page = html;
  let complete = true;
  for (const [tag, file] of links) {
    const css = await readFile(path.join(rendererDir, 'assets', file!), 'utf8').catch(() => undefined);
    const body = css?.replace(/\n\/\*# sourceMappingURL=\S*\s*$/, '');
    complete &&= body !== undefined;
    if (body === undefined || /<\/style/i.test(body)) continue;
    hashes.push(createHash('sha256').update(body).digest('base64'));
    page = page.replace(tag, () => `<style>${body}</style>`);
  }
  return { html: page, hashes, complete };
}

/** The dashboard's page and its Content-Security-Policy. */
export interface DashboardPage {
  html: string;
  csp: string;
}

/** Lines a log's link carries, for the early paint: the log, the asked line and the page. */
export interface EmbeddedLines extends LogLink {
  page: LogLines;
}

/**
 * The lines as a data block in the page: JSON is not run (no policy needed for it), and with
 * every `<` written as `\u003c` no text of the log can end the element or open a comment.
 */
export function embeddedLinesBlock(lines: EmbeddedLines): string {
  const json = JSON.stringify(lines).replace(/</g, '\\u003c');
  return `<script type="application/json" id="${embeddedLinesId}">${json}</script>`;
}

/** The page without its per-request parts: the event seq and a log's lines go at the markers. */
interface PageTemplate {
  /** The files it was made from, as statSync saw them; another key makes it again. */
  key: string;
  html: string;
  csp: string;
}

const seqMarker = '\u0000coin-event-seq\u0000';
const linesMarker = '\u0000coin-early-lines\u0000';

/** Pages made, by renderer directory. */
const templates = new Map<string, PageTemplate>();

/** A file's modification time and size, or 'none': what tells a rebuilt file. */
function fileKey(file: string): string {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats ? `${stats.mtimeMs}:${stats.size}` : 'none';
}

/**
 * index.html with the dashboard marker and the early paint (allowed by its hash in the policy)
 * and the markers of its per-request parts, or undefined when the renderer is not built. Made
 * once per build of the renderer: a page made from files that could not all be read (a build
 * under way) is made again next time.
 */
async function pageTemplate(rendererDir: string): Promise<PageTemplate | undefined> {
  const key = `${fileKey(path.join(rendererDir, 'index.html'))}|${fileKey(path.join(rendererDir, 'early-paint.js'))}`;
  const made = templates.get(rendererDir);
  if (made?.key === key) return made;
  const [html, early] = await Promise.all([
    readFile(path.join(rendererDir, 'index.html'), 'utf8').catch(() => undefined),
    earlyPaintScript(rendererDir),
  ]);
  if (html === undefined) return undefined;
  const app = early ? takeAppModules(html) : { html, modules: [] };
  const styled = await inlineStylesheets(app.html, rendererDir);
  // The early paint preloads the task list's first page itself, on any page but a log.
  const paint = early
    ? `\n    <meta name="coin-log-lines" content="${escapeHtml(earlyLinesTemplate)}">` +
      `\n    <meta name="coin-task-preload" content="${escapeHtml(taskListFirstPage)}">` +
      (app.modules.length
        ? `\n    <meta name="${appModulesMeta}" content="${escapeHtml(app.modules.join(' '))}">`
        : '') +
      linesMarker +
      `\n    <script>${early}</script>`
    : '';
  const hashes = early ? [createHash('sha256').update(early).digest('base64')] : [];
  const extras = early ? favicon : `${favicon}\n    ${staticTaskPreload}`;
  // The early paint goes before the page's own scripts and stylesheets, right after its title.
  const head = styled.html.replace(/<\/head>/i, `  ${dashboardMarker}${seqMarker}\n    ${extras}\n  </head>`);
  const withPaint = /<\/title>/i.test(head)
    ? head.replace(/<\/title>/i, `</title>${paint}`)
    : head.replace(/<\/head>/i, `${paint}\n  </head>`);
  const template = { key, html: withPaint, csp: dashboardCspFor(hashes, styled.hashes) };
  if (styled.complete) templates.set(rendererDir, template);
  return template;
}

/**
 * index.html with the dashboard marker and the early paint (allowed by its hash in the policy),
 * or undefined when the renderer is not built. With `lines`, the page carries them for the early
 * paint.
 */
export async function dashboardIndex(
  rendererDir: string,
  eventSeq?: number,
  lines?: EmbeddedLines,
  eventStream?: string,
): Promise<DashboardPage | undefined> {
  const template = await pageTemplate(rendererDir);
  if (!template) return undefined;
  const stream =
    eventStream === undefined
      ? ''
      : `\n    <meta name="coin-event-stream" content="${escapeHtml(eventStream)}">`;
  const seq =
    eventSeq === undefined ? '' : `\n    <meta name="coin-event-seq" content="${eventSeq}">${stream}`;
  const html = template.html
    .replace(seqMarker, () => seq)
    .replace(linesMarker, () => (lines ? `\n    ${embeddedLinesBlock(lines)}` : ''));
  return { html, csp: template.csp };
}

/** The query of a request's URL, `?` included, or '' when it has none. */
function searchOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
}

/**
 * The lines a log's link asks for, read before the page is sent (the browser starts its page's
 * process meanwhile); none for no link, an unknown work item or a log that cannot be read (the
 * log page says why when it asks).
 */
async function linkedLines(
  search: string,
  logPage: LogPageReader | undefined,
): Promise<EmbeddedLines | undefined> {
  const link = logPage && parseLogLink(search);
  if (!link) return undefined;
  const { from, count } = earlyWindow(link.line);
  const page = await logPage(link.workItemId, from, count).catch(() => undefined);
  return page && page.from === from ? { ...link, page } : undefined;
}

async function sendIndex(
  reply: FastifyReply,
  rendererDir: string,
  eventSeq?: number,
  lines?: EmbeddedLines,
  eventStream?: string,
): Promise<FastifyReply> {
  const page = await dashboardIndex(rendererDir, eventSeq, lines, eventStream);
  reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
  if (page) return reply.header('content-security-policy', page.csp).send(page.html);
  return reply
    .code(503)
    .send(
      simplePage(
        'Coin dashboard not built',
        '<h1>The dashboard is not built</h1><p>Build it with <code>npm run build:renderer</code> ' +
          'in the Coin checkout; the API under <code>api/</code> works without it.</p>',
      ),
    );
}

/** Titles of the rendered doc pages, for an index when docs/ has none. */
function docIndex(docsDir: string): string {
  const pages = existsSync(docsDir)
    ? readdirSync(docsDir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.html'))
        .sort()
    : [];
  const items = pages.map((file) => {
    const html = readFileSync(path.join(docsDir, file), 'utf8');
    const title = /<h1[^>]*>(.*?)<\/h1>/s.exec(html)?.[1]?.replace(/<[^>]+>/g, '') ?? file;
    return `<li><a href="${escapeHtml(file.split(path.sep).join('/'))}">${escapeHtml(title)}</a></li>`;
  });
  const body = items.length
    ? `<ul>${items.join('')}</ul>`
    : '<p>No documentation is built: run <code>npm run build:docs</code>.</p>';
  return simplePage(
    'Coin documentation',
    `<h1>Coin documentation</h1>${body}<p><a href="../">Dashboard</a></p>`,
  );
}

/** Register the dashboard, its assets and the docs. */
export function registerDashboardRoutes(app: FastifyInstance, options: DashboardRouteOptions): void {
  const base = options.basePath;
  const rendererDir = options.rendererDir ?? defaultWebDirs.rendererDir;
  const docsDir = options.docsDir ?? defaultWebDirs.docsDir;
  const index = async (request: FastifyRequest, reply: FastifyReply) => {
    const lines = await linkedLines(searchOf(request.url), options.logPage);
    return sendIndex(reply, rendererDir, options.eventSeq?.(), lines, options.eventStream?.());
  };
  app.get(base || '/', async (request, reply) => {
    if (!base) return index(request, reply);
    // the query (a log's link) goes along to the page
    return reply.redirect(`${base}/${searchOf(request.url)}`);
  });
  if (base) app.get(`${base}/`, async (request, reply) => index(request, reply));
  app.get(`${base}/assets/*`, async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.sendFile(file, path.join(rendererDir, 'assets'));
  });
  // The guide's daily routine opens <base>/agentpool.
  app.get(`${base}/agentpool`, async (_request, reply) => reply.redirect(`${base}/#/agents`));
  app.get(`${base}/doc`, async (_request, reply) => reply.redirect(`${base}/doc/`));
  app.get(`${base}/doc/`, async (_request, reply) => {
    if (existsSync(path.join(docsDir, 'index.html'))) return reply.sendFile('index.html', docsDir);
    return reply.type('text/html; charset=utf-8').send(docIndex(docsDir));
  });
  app.get(`${base}/doc/*`, async (request, reply) =>
    reply.sendFile((request.params as { '*': string })['*'], docsDir),
  );
}
