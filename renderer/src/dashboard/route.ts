/**
 * The dashboard's pages as hash routes, so every view (a filtered task list, a task, a log line)
 * has an address that can be shared and survives a reload:
 * `#/integrations?state=Failed`, `#/tasks/<id>`, `#/log/<work item>?line=120`, `#/agents`,
 * `#/storage`, `#/gerrit`.
 */
import {
  assertNever,
  taskStates,
  taskTypes,
  type TaskState,
  type TaskType,
} from '../../../runner/core/model';
import type { TaskFilters } from './api-types';

/** One page of the dashboard. */
export type DashboardRoute =
  | { page: 'integrations'; filters: TaskFilters }
  | { page: 'task'; taskId: string }
  | { page: 'log'; workItemId: string; line?: number }
  | { page: 'agents' }
  | { page: 'storage' }
  | { page: 'gerrit' }
  | { page: 'audit' };

const filterKeys = ['project', 'branch', 'type', 'state', 'searchText'] as const;

function filtersFrom(params: URLSearchParams): TaskFilters {
  const filters: TaskFilters = {};
  const project = params.get('project');
  const branch = params.get('branch');
  const searchText = params.get('searchText');
  const type = params.get('type');
  const state = params.get('state');
  if (project) filters.project = project;
  if (branch) filters.branch = branch;
  if (searchText) filters.searchText = searchText;
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
    default:
      return assertNever(route, 'route');
  }
}
