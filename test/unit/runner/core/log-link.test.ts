// A log's link (`?log=<id>&line=N`): written and read back the way the dashboard's own route
// reads a line, the window of lines both the server and the page take from it, and its hash route.
import { expect, test } from 'vitest';
import { hashOfLogLink } from '../../../../renderer/src/dashboard/early-paint';
import { instancePaths } from '../../../../runner/core/instance-api';
import { earlyLineCount, earlyWindow, logLinkQuery, parseLogLink } from '../../../../runner/core/log-link';
import { parseRoute } from '../../../../renderer/src/dashboard/route';
import { embeddedLinesBlock } from '../../../../runner/node/server/dashboard-routes';

test('a link names the work item, encoded, and the line only when there is one', () => {
  expect(logLinkQuery({ workItemId: 't1.build.qt_base.linux' })).toBe('?log=t1.build.qt_base.linux');
  expect(logLinkQuery({ workItemId: 'a/b c&d', line: 42 })).toBe('?log=a%2Fb%20c%26d&line=42');
  expect(logLinkQuery({ workItemId: 'x', line: 0 })).toBe('?log=x');
  expect(instancePaths.logPage('x', 7)).toBe('?log=x&line=7');
  for (const link of [{ workItemId: 'a/b c&d', line: 42 }, { workItemId: 'é€' }])
    expect(parseLogLink(logLinkQuery(link))).toEqual(link);
});

test('a link is read as the route reads a line: a positive integer, else the top of the log', () => {
  expect(parseLogLink('?log=x&line=12')).toEqual({ workItemId: 'x', line: 12 });
  for (const bad of ['0', '-3', '2.5', 'abc', ''])
    expect(parseLogLink(`?log=x&line=${bad}`)).toEqual({ workItemId: 'x' });
  for (const none of ['', '?line=3', '?log=', '?logs=x']) expect(parseLogLink(none)).toBeUndefined();
});

test('the window: the top of the log, or the lines around N, never before the first', () => {
  expect(earlyWindow(undefined)).toEqual({ from: 0, count: earlyLineCount });
  expect(earlyWindow(2500)).toEqual({ from: 2399, count: earlyLineCount });
  expect(earlyWindow(30)).toEqual({ from: 0, count: earlyLineCount });
});

test("a link's hash route is the dashboard's log route for the same log and line", () => {
  const hash = hashOfLogLink('?log=a%2Fb%20c&line=9');
  expect(hash).toBe('#/log/a%2Fb%20c?line=9');
  expect(parseRoute(hash!)).toEqual({ page: 'log', workItemId: 'a/b c', line: 9 });
  expect(parseRoute(hashOfLogLink('?log=x&line=nope')!)).toEqual({ page: 'log', workItemId: 'x' });
  expect(hashOfLogLink('?tab=1')).toBeUndefined();
});

test('the lines in the page cannot end their element: every < is escaped, the JSON reads back the same', () => {
  const lines = {
    workItemId: 'x',
    line: 3,
    page: { total: 3, from: 0, size: 9, lines: ['</script><script>alert(1)</script>', '<!-- a', 'ok'] },
  };
  const block = embeddedLinesBlock(lines);
  const body = /^<script type="application\/json" id="coin-early-lines">(.*)<\/script>$/s.exec(block)?.[1];
  expect(body).toBeDefined();
  expect(body).not.toMatch(/</);
  expect(JSON.parse(body!)).toEqual(lines);
});
