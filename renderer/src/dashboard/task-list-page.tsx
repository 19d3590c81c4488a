import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { Task, TaskFilters } from './api-types';
import { elapsed, formatAge, formatDuration, shortSha } from './format';
import { routeHash } from './route';
import { StateBadge } from './state-badge';
import { TaskFilterBar } from './task-filters';
import { TaskPages } from './task-pages';
import { dependsOnState, describeSearch, isFiltered, searchQuery } from './task-search-query';
import { useDashboard, useNow, useStreamListener, useThrottled } from './use-dashboard';
import './task-list.css';

const rowHeight = 34;

/** What the task was tested with: its Gerrit changes, or the sha of a local integration. */
function testedText(task: Task): string {
  const changes = task.testedChanges.map((c) =>
    c.change !== undefined
      ? `${String(c.change)}${c.patchSet !== undefined ? `,${String(c.patchSet)}` : ''}`
      : '',
  );
  const listed = changes.filter(Boolean);
  return listed.length ? listed.join(' ') : shortSha(task.sha);
}

function TaskRow({ task, nowMs }: { task: Task; nowMs: number }) {
  const duration = elapsed(task.started, task.finished, nowMs);
  return (
    <>
      <span role="cell">
        <StateBadge state={task.state} />
      </span>
      <span role="cell" className="strong">
        <a href={routeHash({ page: 'task', taskId: task.id })}>{task.project}</a>
      </span>
      <span role="cell">{task.branch}</span>
      <span role="cell">{task.type}</span>
      <span role="cell" className="mono">
        {testedText(task)}
      </span>
      <span role="cell" title={task.created}>
        {formatAge(task.created, nowMs)}
      </span>
      <span role="cell">{duration === undefined ? '–' : formatDuration(duration)}</span>
      <span role="cell" className="mono muted" title={task.resultReason ?? undefined}>
        {task.id.slice(0, 8)}
      </span>
    </>
  );
}

const columns = ['State', 'Project', 'Branch', 'Type', 'Tested', 'Age', 'Duration', 'Task'];

/** Fetches the pages the list shows and keeps them live; returns the model and a change counter. */
function useTaskPages(filters: TaskFilters) {
  const { client } = useDashboard();
  // The page is mounted once per filter set (keyed by its route), so the model lives as long as it.
  const [pages] = useState(() => new TaskPages());
  const [version, bump] = useReducer((v: number) => v + 1, 0);
  const [error, setError] = useState<string>();
  const inFlight = useRef(new Set<number>());
  const range = useRef({ first: 0, last: 0 });
  const fetchVisible = useCallback(() => {
    for (const page of pages.pagesToFetch(range.current.first, range.current.last)) {
      if (inFlight.current.has(page)) continue;
      inFlight.current.add(page);
      const generation = pages.generation;
      client
        .searchTasks(searchQuery(filters, page * pages.pageSize, pages.pageSize))
        .then(
          (answer) => {
            pages.store(page, answer, generation);
            setError(undefined);
            bump();
          },
          (e: Error) => setError(e.message),
        )
        .finally(() => inFlight.current.delete(page));
    }
  }, [client, filters, pages]);
  const refetch = useThrottled(() => {
    pages.invalidate();
    fetchVisible();
  }, 500);
  useStreamListener({
    event: (event) => {
      const effect = pages.apply(event, dependsOnState(filters));
      if (effect === 'changed') bump();
      if (effect === 'refetch') refetch();
    },
    resync: refetch,
  });
  useEffect(() => fetchVisible(), [fetchVisible]);
  return { pages, version, error, range, fetchVisible };
}

/** What the list holds: how many tasks, and for a search, which one. */
function countText(total: number | undefined, filters: TaskFilters): string {
  if (total === undefined) return 'Loading tasks…';
  const count = `${total.toLocaleString('en')} task(s)`;
  return isFiltered(filters)
    ? `${count} match ${describeSearch(filters)}, newest first`
    : `${count}, newest first`;
}

/** No task matches: what was searched, and a way back to every task. */
function EmptySearch({ filters, onClear }: { filters: TaskFilters; onClear: () => void }) {
  if (!isFiltered(filters))
    return <p className="empty">No task yet: integrations appear here as they are queued.</p>;
  return (
    <div className="empty" data-testid="search-empty">
      <p>No task matches {describeSearch(filters)}.</p>
      <p className="muted">
        Project, branch and text match any part (3 letters or more use the search index); sha matches the
        start of a sha; change matches a number exactly.{' '}
        <button type="button" onClick={onClear}>
          Show every task
        </button>
      </p>
    </div>
  );
}

/** Integrations: every task, newest first, searched through GET api/search/tasks, live, virtualised. */
export function TaskListPage({ filters }: { filters: TaskFilters }) {
  const { pages, error, range, fetchVisible } = useTaskPages(filters);
  const nowMs = useNow(1000);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: pages.total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    range.current = { first, last };
    fetchVisible();
  }, [first, last, fetchVisible, range]);
  const setFilters = (next: TaskFilters) => {
    window.location.hash = routeHash({ page: 'integrations', filters: next });
  };
  return (
    <section className="page page-fill" data-testid="page-integrations">
      <header className="page-header">
        <h1>Integrations</h1>
        <p data-testid="task-count">{countText(pages.total, filters)}</p>
      </header>
      <TaskFilterBar filters={filters} onChange={setFilters} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="vtable task-table" role="table" aria-label="Tasks" aria-rowcount={pages.total ?? 0}>
        <div className="vrow vhead" role="row">
          {columns.map((c) => (
            <span key={c} role="columnheader">
              {c}
            </span>
          ))}
        </div>
        <div className="vbody" ref={scroller} data-testid="task-scroller">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
            {items.map((item) => {
              const task = pages.rowAt(item.index);
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className="vrow"
                  data-testid={task ? 'task-row' : 'task-row-loading'}
                  data-task-id={task?.id}
                  style={{ transform: `translateY(${item.start}px)`, height: rowHeight }}
                >
                  {task ? <TaskRow task={task} nowMs={nowMs} /> : <span className="muted">Loading…</span>}
                </div>
              );
            })}
          </div>
          {pages.total === 0 && <EmptySearch filters={filters} onClear={() => setFilters({})} />}
        </div>
      </div>
    </section>
  );
}
