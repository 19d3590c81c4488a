import { expect, test } from 'vitest';
import { parseRoute, routeHash, type DashboardRoute } from '../../../../renderer/src/dashboard/route';

test('every route survives a round trip through the address bar', () => {
  const routes: DashboardRoute[] = [
    { page: 'integrations', filters: {} },
    {
      page: 'integrations',
      filters: { project: 'qt/qtbase', state: 'Failed', type: 'Integration', searchText: 'a b' },
    },
    { page: 'task', taskId: 'f8da402c-0a66' },
    { page: 'log', workItemId: 'abc.build.qt_qtbase.linux', line: 120 },
    { page: 'log', workItemId: 'abc.test.qt_qtbase.linux' },
    { page: 'agents' },
    { page: 'storage' },
  ];
  for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
});

test('unknown pages and bad filter values fall back to the unfiltered task list', () => {
  expect(parseRoute('')).toEqual({ page: 'integrations', filters: {} });
  expect(parseRoute('#/nope')).toEqual({ page: 'integrations', filters: {} });
  expect(parseRoute('#/integrations?state=Green&type=Nope&branch=dev')).toEqual({
    page: 'integrations',
    filters: { branch: 'dev' },
  });
  expect(parseRoute('#/log/x?line=-3')).toEqual({ page: 'log', workItemId: 'x' });
});
