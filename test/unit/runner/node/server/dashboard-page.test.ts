// The dashboard's page is made once per build of the renderer and filled per request: what a
// request adds (the event seq, a log's lines) never stays in the page, a rebuilt index.html or
// early paint is served at once, and a page made while a stylesheet was missing (a build under
// way) is made again.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { dashboardIndex } from '../../../../../runner/node/server/dashboard-routes';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let renderer: string;

const indexHtml = (css: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Coin Admin</title>
    <script type="module" crossorigin src="./assets/index-a1.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/${css}">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

/** Writes a file and moves its modification time on, as a later build would. */
function write(file: string, text: string, secondsLater = 0): void {
  writeFileSync(path.join(renderer, file), text);
  const when = new Date(Date.now() + secondsLater * 1000);
  utimesSync(path.join(renderer, file), when, when);
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('base64');
const lines = (workItemId: string) => ({
  workItemId,
  page: { total: 1, from: 0, lines: [`hello from ${workItemId}`], size: 6 },
});

beforeEach(async () => {
  dir = await makeTempDir('dashboard-page-');
  renderer = dir.path;
  mkdirSync(path.join(renderer, 'assets'));
  write('assets/index-b1.css', 'body{color:red}');
  write('early-paint.js', 'window.early=1;');
  write('index.html', indexHtml('index-b1.css'));
});

afterEach(() => dir.remove());

test("each request's seq and lines are its own; the page around them is the same", async () => {
  const first = (await dashboardIndex(renderer, 7, lines('a.build.x')))!;
  const second = (await dashboardIndex(renderer, 9))!;
  expect(first.html).toContain('<meta name="coin-event-seq" content="7">');
  expect(first.html).toContain('hello from a.build.x');
  expect(second.html).toContain('<meta name="coin-event-seq" content="9">');
  expect(second.html).not.toContain('hello from');
  expect(second.html).not.toContain('content="7"');
  expect(second.html).not.toContain('\u0000');
  expect(first.html.replace(/\n.*coin-event-seq.*|\n.*coin-early-lines.*/g, '')).toBe(
    second.html.replace(/\n.*coin-event-seq.*/g, ''),
  );
  expect(first.csp).toBe(second.csp);
  // the event stream the seq belongs to goes beside it, when the instance began one
  expect(second.html).not.toContain('coin-event-stream');
  const streamed = (await dashboardIndex(renderer, 9, undefined, 'run-<a>'))!;
  expect(streamed.html).toContain(
    '<meta name="coin-event-seq" content="9">\n    <meta name="coin-event-stream" content="run-&lt;a&gt;">',
  );
  // a `$` pattern in a log's text is text, not a replacement pattern
  const dollars = (await dashboardIndex(renderer, 1, lines("$& $' $`")))!;
  expect(dollars.html).toContain("hello from $& $' $`");
});

test('a rebuilt index.html, stylesheet or early paint is served at once', async () => {
  const before = (await dashboardIndex(renderer))!;
  expect(before.html).toContain('<style>body{color:red}</style>');
  expect(before.csp).toContain(`'sha256-${hashOf('body{color:red}')}'`);
  write('assets/index-b2.css', 'body{color:blue}');
  write('index.html', indexHtml('index-b2.css'), 5);
  const rebuilt = (await dashboardIndex(renderer))!;
  expect(rebuilt.html).toContain('<style>body{color:blue}</style>');
  expect(rebuilt.csp).toContain(`'sha256-${hashOf('body{color:blue}')}'`);
  expect(rebuilt.csp).not.toContain(hashOf('body{color:red}'));
  write('early-paint.js', 'window.early=2;', 10);
  expect((await dashboardIndex(renderer))!.html).toContain('window.early=2;');
  rmSync(path.join(renderer, 'index.html'));
  expect(await dashboardIndex(renderer)).toBeUndefined();
});

test('a page made while a stylesheet was missing is made again once it is there', async () => {
  write('index.html', indexHtml('index-b3.css'), 5);
  const early = (await dashboardIndex(renderer))!;
  expect(early.html).toContain('href="./assets/index-b3.css"');
  write('assets/index-b3.css', 'body{color:green}');
  const later = (await dashboardIndex(renderer))!;
  expect(later.html).toContain('<style>body{color:green}</style>');
  expect(later.html).not.toContain('rel="stylesheet"');
});
