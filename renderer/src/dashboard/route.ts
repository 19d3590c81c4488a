/**
 * The dashboard's pages as hash routes, so every view (a filtered task list, a task, a log line)
 * has an address that can be shared and survives a reload:
 * `#/integrations?state=Failed`, `#/tasks/<id>`, `#/log/<work item>?line=120`, `#/agents`,
 * `#/storage`, `#/gerrit`, `#/tests` (the flakiest tests, or `?search=` by name), `#/tests/<name>`.
 */
import {
  assertNever,
  taskStates,
  taskTypes,
  type TaskState,
  type TaskType,
} from '../../../runner/core/model';
import { instancePaths } from '../../../runner/core/instance-api';
import type { TaskFilters } from './api-types';

/** One page of the dashboard. */
export type DashboardRoute =
  | { page: 'integrations'; filters: TaskFilters }
  | { page: 'task'; taskId: string }
  | { page: 'log'; workItemId: string; line?: number }
  | { page: 'agents' }
  | { page: 'storage' }
  | { page: 'gerrit' }
  | { page: 'audit' }
  | { page: 'tests'; search?: string }
  | { page: 'test'; name: string };

const textKeys = ['project', 'branch', 'sha', 'change', 'failure', 'searchText'] as const;
const dayKeys = ['from', 'to'] as const;
const filterKeys = [...textKeys.slice(0, 4), 'type', 'state', ...dayKeys, ...textKeys.slice(4)] as const;

function filtersFrom(params: URLSearchParams): TaskFilters {
  const filters: TaskFilters = {};
  for (const key of textKeys) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  for (const key of dayKeys) {
    const value = params.get(key);
    if (value && /^\d{4}-\d{2}-\d{2}$/.test(value)) filters[key] = value;
  }
  const type = params.get('type');
  const state = params.get('state');
  if (type && (taskTypes as readonly string[]).includes(type)) filters.type = type as TaskType;
  if (state && (taskStates as readonly string[]).includes(state)) filters.state = state as TaskState;
  return filters;
}

/** The route a location hash names; anything unknown is the task list. */
export function parseRoute(hash: string): DashboardRoute {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const params = new URLSearchParams(search);
  const [page, ...rest] = path.split('/');
  const id = decodeURIComponent(rest.join('/'));
  if (page === 'tasks' && id) return { page: 'task', taskId: id };
  if (page === 'tests' && id) return { page: 'test', name: id };
  if (page === 'tests') {
    const search = params.get('search');
    return search ? { page: 'tests', search } : { page: 'tests' };
  }
  if (page === 'log' && id) {
    const line = Number(params.get('line'));
    return Number.isInteger(line) && line > 0
      ? { page: 'log', workItemId: id, line }
      : { page: 'log', workItemId: id };
  }
  if (page === 'agents') return { page: 'agents' };
  if (page === 'storage') return { page: 'storage' };
  if (page === 'gerrit') return { page: 'gerrit' };
  if (page === 'audit') return { page: 'audit' };
  return { page: 'integrations', filters: filtersFrom(params) };
}

/** The hash of a route (the inverse of parseRoute). */
export function routeHash(route: DashboardRoute): string {
  switch (route.page) {
    case 'integrations': {
      const params = new URLSearchParams();
      for (const key of filterKeys) if (route.filters[key]) params.set(key, String(route.filters[key]));
      const search = params.toString();
      return `#/integrations${search ? `?${search}` : ''}`;
    }
    case 'task':
      return `#/tasks/${encodeURIComponent(route.taskId)}`;
    case 'log':
      return `#/log/${encodeURIComponent(route.workItemId)}${route.line ? `?line=${route.line}` : ''}`;
    case 'agents':
      return '#/agents';
    case 'storage':
      return '#/storage';
    case 'gerrit':
      return '#/gerrit';
    case 'audit':
      return '#/audit';
    case 'tests':
      return route.search ? `#/tests?${new URLSearchParams({ search: route.search }).toString()}` : '#/tests';
    case 'test':
      return instancePaths.testPage(route.name);
    default:
      return assertNever(route, 'route');
  }
}
