// The early paint's pure parts: which log and lines a location asks for (as the dashboard's own
// route reads the same hash), the lines URL, and a line's text without its escape sequences.
import { expect, test } from 'vitest';
import {
  earlyLineCount,
  earlyLinesUrl,
  earlyLogRequest,
  firstScreen,
  idMarker,
  plainLogText,
} from '../../../../renderer/src/dashboard/early-paint';
import { parseRoute } from '../../../../renderer/src/dashboard/route';
import { earlyLinesTemplate, takeAppModules } from '../../../../runner/node/server/dashboard-routes';

test('a log hash asks for the top of the log, or for the lines around ?line=N', () => {
  expect(earlyLogRequest('#/log/t1.build.qt_base.linux')).toEqual({
    workItemId: 't1.build.qt_base.linux',
    from: 0,
    count: earlyLineCount,
  });
  expect(earlyLogRequest('#/log/t1.build?line=500000')).toEqual({
    workItemId: 't1.build',
    line: 500000,
    from: 500000 - 1 - earlyLineCount / 2,
    count: earlyLineCount,
  });
  expect(earlyLogRequest('#/log/t1.build?line=30')).toMatchObject({ line: 30, from: 0 });
});

test('the early paint reads a hash as the dashboard route does', () => {
  const hashes = [
    '#/log/a%2Fb%20c',
    '#log/x?line=7',
    '#/log/x?line=0',
    '#/log/x?line=-3',
    '#/log/x?line=2.5',
    '#/log/x?line=abc',
    '#/log/x?other=1&line=12',
    '#/log/',
    '#/log',
    '#/tasks/t1',
    '#/integrations?state=Failed',
    '',
    '#/logs/x',
  ];
  for (const hash of hashes) {
    const route = parseRoute(hash);
    const request = earlyLogRequest(hash);
    if (route.page !== 'log') expect(request, hash).toBeUndefined();
    else
      expect({ workItemId: request?.workItemId, line: request?.line }, hash).toEqual({
        workItemId: route.workItemId,
        line: route.line,
      });
  }
  expect(earlyLogRequest('#/log/%E0%A4%A')).toBeUndefined(); // not decodable
});

test('the lines URL is the contract path the instance writes into the page, relative to it', () => {
  expect(earlyLinesTemplate).toContain(idMarker);
  const url = earlyLinesUrl(earlyLinesTemplate, { workItemId: 't/1 x', from: 10, count: 200 });
  expect(url.startsWith('/')).toBe(false);
  const resolved = new URL(url, 'http://proxy.example/ci/coin/');
  expect(resolved.pathname).toBe(
    `/ci/coin/${earlyLinesTemplate.replace(idMarker, encodeURIComponent('t/1 x'))}`,
  );
  expect(Object.fromEntries(resolved.searchParams)).toEqual({ from: '10', count: '200' });
});

test("a line's text loses its colour and cursor sequences, nothing else", () => {
  expect(plainLogText('\x1b[32mok\x1b[0m done')).toBe('ok done');
  expect(plainLogText('\x1b[1;31merror:\x1b[m x\x1b[2K\x1b[?25l')).toBe('error: x');
  expect(plainLogText('<b>a</b> & \\x1b')).toBe('<b>a</b> & \\x1b');
});

test('the first screen is the rows a window shows: from the top, or centred on the asked line', () => {
  const page = (from: number) => ({
    total: 1_000_000,
    from,
    size: 0,
    lines: Array.from({ length: 200 }, String),
  });
  // 800 px of 18 px rows: 45 rows, and 2 more for a partly shown one on either side
  expect(firstScreen({ workItemId: 'w', from: 0, count: 200 }, page(0), 800)).toEqual([0, 47]);
  const around = { workItemId: 'w', line: 500_000, from: 499_899, count: 200 };
  const [start, end] = firstScreen(around, page(499_899), 800);
  expect(end - start).toBe(47);
  expect(499_899 + start + 1).toBeLessThan(500_000);
  expect(499_899 + end).toBeGreaterThan(500_000);
  // near the end of a short page the screen ends with the page
  expect(firstScreen({ workItemId: 'w', line: 200, from: 0, count: 200 }, page(0), 800)).toEqual([153, 200]);
  expect(firstScreen({ workItemId: 'w', from: 0, count: 200 }, { ...page(0), lines: ['a'] }, 800)).toEqual([
    0, 1,
  ]);
});

test("the page's module script and preloads leave the page for the early paint, entry first", () => {
  const html = [
    '<head><title>t</title>',
    '<script type="module" crossorigin src="./assets/index-A.js"></script>',
    '<link rel="modulepreload" crossorigin href="./assets/b-B.js">',
    '<link rel="stylesheet" crossorigin href="./assets/c.css">',
    '</head>',
  ].join('\n');
  const taken = takeAppModules(html);
  expect(taken.modules).toEqual(['./assets/index-A.js', './assets/b-B.js']);
  expect(taken.html).not.toMatch(/<script|modulepreload/);
  expect(taken.html).toContain('rel="stylesheet"');
  // two module scripts (not a page Vite built): left alone
  const two = html.replace('</head>', '<script type="module" src="./x.js"></script></head>');
  expect(takeAppModules(two)).toEqual({ html: two, modules: [] });
});
