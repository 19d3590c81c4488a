import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { WorkItem } from './api-types';
import { LogLineText } from './log-line-view';
import { LogLineCache } from './log-lines';
import { LogToolbar, type SearchState } from './log-toolbar';
import { routeHash } from './route';
import { ReusedBadge, StateBadge } from './state-badge';
import { useDashboard, useLoad, useStreamListener, useThrottled } from './use-dashboard';
import { FailureReason } from './work-item-card';
import { workItemLabel } from './work-item-lanes';

const lineHeight = 18;
const noSearch: SearchState = { query: '', matches: [], current: 0, truncated: false, searching: false };

/** The work item (for its state and name), reloaded when it changes. */
function useWorkItem(workItemId: string): { item: WorkItem | undefined; reload: () => void } {
  const { client } = useDashboard();
  const taskId = workItemId.split('.')[0] ?? '';
  const detail = useLoad(useCallback((signal) => client.taskDetail(taskId, signal), [client, taskId]));
  return { item: detail.data?.workItems.find((w) => w.id === workItemId), reload: detail.reload };
}

/** Fetches the lines a range needs and the tail as the log grows; returns a change counter. */
function useLogLines(workItemId: string, cache: LogLineCache) {
  const { client } = useDashboard();
  const [version, bump] = useReducer((v: number) => v + 1, 0);
  const [error, setError] = useState<string>();
  const inFlight = useRef(new Set<number>());
  const fetchRange = useCallback(
    (first: number, last: number) => {
      for (const key of cache.chunksToFetch(first, last)) {
        if (inFlight.current.has(key)) continue;
        inFlight.current.add(key);
        client
          .logLines(workItemId, key * cache.chunkSize, cache.chunkSize)
          .then(
            (page) => (cache.put(page.from, page.lines, page.total), bump()),
            (e: Error) => setError(e.message),
          )
          .finally(() => inFlight.current.delete(key));
      }
    },
    [cache, client, workItemId],
  );
  const fetchTail = useCallback(() => {
    client.logTail(workItemId, cache.chunkSize).then(
      (page) => (cache.put(page.from, page.lines, page.total), bump()),
      (e: Error) => setError(e.message),
    );
  }, [cache, client, workItemId]);
  return { version, error, fetchRange, fetchTail };
}

/** Scrolls to a line and marks it. */
function useJump(virtualizer: Virtualizer<HTMLDivElement, Element>, stopFollowing: () => void) {
  const [marked, setMarked] = useState<number>();
  // A jump that lands at the bottom must not read as "the user scrolled down: follow again".
  const jumpedAt = useRef(0);
  const jump = useCallback(
    (index: number) => {
      stopFollowing();
      setMarked(index);
      jumpedAt.current = Date.now();
      virtualizer.scrollToIndex(index, { align: 'center' });
    },
    [virtualizer, stopFollowing],
  );
  return { marked, jump, jumpedAt };
}

/** A work item's log: virtualised, fetched in ranges, live, searchable, with links to lines. */
export function LogPage({ workItemId, line }: { workItemId: string; line?: number }) {
  const { client, stream } = useDashboard();
  const { item, reload } = useWorkItem(workItemId);
  const [cache] = useState(() => new LogLineCache());
  const { error, fetchRange, fetchTail } = useLogLines(workItemId, cache);
  const [follow, setFollow] = useState<boolean>();
  const live = item?.state === 'Running' || item?.state === 'Queued';
  const following = live && (follow ?? line === undefined);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: cache.total,
    getScrollElement: () => scroller.current,
    estimateSize: () => lineHeight,
    overscan: 40,
  });
  const stopFollowing = useCallback(() => setFollow(false), []);
  const { marked, jump, jumpedAt } = useJump(virtualizer, stopFollowing);
  const [search, setSearch] = useState(noSearch);
  const [notice, setNotice] = useState<string>();
  const refresh = useThrottled(fetchTail, 250);

  useEffect(() => {
    stream.followLogs([workItemId]);
    return () => stream.followLogs([]);
  }, [stream, workItemId]);
  useEffect(() => fetchTail(), [fetchTail]);
  useStreamListener({
    log: (m) => m.workItemId === workItemId && refresh(),
    event: (e) => e.subject === workItemId && (reload(), refresh()),
    resync: () => (reload(), refresh()),
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => fetchRange(first, last), [first, last, cache.total, fetchRange]);
  useEffect(() => {
    if (following && cache.total > 0) virtualizer.scrollToIndex(cache.total - 1, { align: 'end' });
  }, [following, cache.total, virtualizer]);
  const hasLines = cache.total > 0;
  useEffect(() => {
    if (line !== undefined && hasLines) jump(Math.min(line, cache.total) - 1);
  }, [line, hasLines]); // eslint-disable-line react-hooks/exhaustive-deps -- jump once per requested line

  const onScroll = () => {
    const el = scroller.current;
    if (!el || !live || Date.now() - jumpedAt.current < 500) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 2 * lineHeight;
    if (atBottom !== following) setFollow(atBottom);
  };
  const runSearch = (query: string) => {
    if (!query) return setSearch(noSearch);
    setSearch({ ...noSearch, query, searching: true });
    client.logSearch(workItemId, query).then(
      (result) => {
        setSearch({
          query,
          matches: result.matches,
          current: 0,
          truncated: result.truncated,
          searching: false,
        });
        if (result.matches.length) jump(result.matches[0]!);
      },
      (e: Error) => (setSearch(noSearch), setNotice(e.message)),
    );
  };
  const step = (delta: 1 | -1) => {
    const count = search.matches.length;
    if (!count) return;
    const current = (search.current + delta + count) % count;
    setSearch({ ...search, current });
    jump(search.matches[current]!);
  };
  const firstError = () =>
    client.logFirstError(workItemId).then(
      (found) =>
        found === null ? setNotice('No line looks like an error.') : (setNotice(undefined), jump(found)),
      (e: Error) => setNotice(e.message),
    );

  return (
    <section className="page page-fill" data-testid="page-log">
      <header className="page-header">
        <p className="crumbs">
          <a href={routeHash({ page: 'integrations', filters: {} })}>Integrations</a> ›{' '}
          {item && (
            <a href={routeHash({ page: 'task', taskId: item.taskId })}>Task {item.taskId.slice(0, 8)}</a>
          )}{' '}
          ›
        </p>
        <h1>
          Log of {item ? workItemLabel(item) : 'work item'}{' '}
          {item && <span className="mono muted">{item.configurationId}</span>}
        </h1>
        <p className="summary-line">
          {item && <StateBadge state={item.state} />}
          {item?.reused && <ReusedBadge />}
          <span data-testid="log-line-count">{cache.total.toLocaleString('en')} lines</span>
        </p>
        {item?.failureReason && <FailureReason reason={item.failureReason} />}
      </header>
      <LogToolbar
        search={search}
        onSearch={runSearch}
        onStep={step}
        onFirstError={() => void firstError()}
        following={following}
        canFollow={live}
        onFollow={() => setFollow(!following)}
        downloadUrl={client.rawLogUrl(workItemId)}
        downloadName={`${workItemId}.log`}
        notice={notice}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="log-view" ref={scroller} onScroll={onScroll} data-testid="log-view" tabIndex={0}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
          {items.map((v) => {
            const text = cache.lineAt(v.index);
            const isMatch = search.matches[search.current] === v.index;
            return (
              <div
                key={v.key}
                className={`log-line${marked === v.index ? ' marked' : ''}${isMatch ? ' current-match' : ''}`}
                data-line={v.index + 1}
                style={{ transform: `translateY(${v.start}px)`, height: lineHeight }}
              >
                <a className="ln" href={routeHash({ page: 'log', workItemId, line: v.index + 1 })}>
                  {v.index + 1}
                </a>
                <span className="lt">
                  {text === undefined ? (
                    <span className="muted">…</span>
                  ) : (
                    <LogLineText text={text} query={search.query} />
                  )}
                </span>
              </div>
            );
          })}
        </div>
        {cache.total === 0 && <p className="empty">{live ? 'Waiting for output…' : 'The log is empty.'}</p>}
      </div>
    </section>
  );
}
