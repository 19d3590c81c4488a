/**
 * The task list's filters as a query of the task search (GET api/search/tasks, answered by the
 * runner from its indexes: never filtered here), and the words that describe a search.
 */
import type { TaskSearchQuery } from '../../../runner/core/instance-api';
import type { TaskFilters } from './api-types';

/** Midnight at the start of a day (YYYY-MM-DD) in the browser's time zone, `days` later. */
function dayStart(day: string, days = 0): string | undefined {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y!, m! - 1, d! + days);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The search's query for a page of rows: `to` includes its whole day. */
export function searchQuery(filters: TaskFilters, start: number, max: number): TaskSearchQuery {
  return {
    project: filters.project,
    branch: filters.branch,
    sha: filters.sha,
    change: filters.change,
    type: filters.type,
    state: filters.state,
    failure: filters.failure,
    text: filters.searchText,
    after: filters.from ? dayStart(filters.from) : undefined,
    before: filters.to ? dayStart(filters.to, 1) : undefined,
    start,
    max,
  };
}

/** Whether any filter is set. */
export function isFiltered(filters: TaskFilters): boolean {
  return Object.values(filters).some((v) => v !== undefined && v !== '');
}

/** Whether a task's state change can move it into or out of the results (so they are fetched again). */
export function dependsOnState(filters: TaskFilters): boolean {
  return Boolean(filters.state || filters.failure || filters.searchText);
}

const labels: Record<keyof TaskFilters, string> = {
  project: 'project',
  branch: 'branch',
  sha: 'sha',
  change: 'change',
  type: 'type',
  state: 'state',
  from: 'from',
  to: 'to',
  failure: 'failure reason',
  searchText: 'text',
};

/** The search in words: `project "qtbase", state Failed, failure reason "timeout"`. */
export function describeSearch(filters: TaskFilters): string {
  return (Object.keys(labels) as (keyof TaskFilters)[])
    .filter((key) => filters[key])
    .map((key) => {
      const value = String(filters[key]);
      const quoted = key === 'type' || key === 'state' || key === 'from' || key === 'to';
      return `${labels[key]} ${quoted ? value : `“${value}”`}`;
    })
    .join(', ');
}
