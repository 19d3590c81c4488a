import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import { failureHeadline } from '../../../runner/core/failure-classification';
import type { WorkItem, WorkItemFailure } from './api-types';
import { earlyLogOf, seedFromEarly } from './early-log';
import { LogLineText, LogLineTimeText } from './log-line-view';
import { LogLineCache } from './log-lines';
import { LogToolbar, type SearchState } from './log-toolbar';
import { routeHash } from './route';
import { ReusedBadge, StateBadge } from './state-badge';
import { useDashboard } from './use-dashboard';
import { useJump, useLiveLog, useLogLines, useLogSearch, useWorkItem } from './use-log';
import { FailureReason } from './work-item-card';
import { workItemLabel } from './work-item-lanes';
import './log-page.css';

const lineHeight = 18;

/** Why the work item failed, in one line led by the failing test (the log below has the command). */
function LogFailure({ item, failure }: { item: WorkItem | undefined; failure: WorkItemFailure | undefined }) {
  if (failure)
    return (
      <p className={`log-failure failure-${failure.kind}`} data-testid="log-failure">
        {failureHeadline(failure)}
      </p>
    );
  return item?.failureReason ? <FailureReason reason={item.failureReason} /> : null;
}

function LogHeader({
  item,
  failure,
  total,
}: {
  item: WorkItem | undefined;
  failure: WorkItemFailure | undefined;
  total: number;
}) {
  return (
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
        <span data-testid="log-line-count">{total.toLocaleString('en')} lines</span>
      </p>
      <LogFailure item={item} failure={failure} />
    </header>
  );
}

/** The rendered (visible) lines; `times` shows when each arrived, relative to `startMs`. */
function LogRows({
  workItemId,
  cache,
  items,
  marked,
  search,
  times,
}: {
  workItemId: string;
  cache: LogLineCache;
  items: readonly VirtualItem[];
  marked: number | undefined;
  search: SearchState;
  times: { startMs: number | undefined } | undefined;
}) {
  return items.map((v) => {
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
        {times && <LogLineTimeText at={cache.timeAt(v.index)} startMs={times.startMs} />}
        <span className="lt">
          {text === undefined ? (
            <span className="muted">…</span>
          ) : (
            <LogLineText text={text} query={search.query} />
          )}
        </span>
      </div>
    );
  });
}

/** A work item's log: virtualised, fetched in ranges, live, searchable, with links to lines. */
export function LogPage({ workItemId, line }: { workItemId: string; line?: number }) {
  const { client } = useDashboard();
  const { item, failure, reload } = useWorkItem(workItemId);
  // The lines the page's early paint drew (early-paint.ts) are this page's from its first render.
  const [early] = useState(() => earlyLogOf(window, workItemId, line));
  const [cache] = useState(() => {
    const fresh = new LogLineCache();
    seedFromEarly(fresh, early?.lines);
    return fresh;
  });
  const [, seeded] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (early && !early.lines) void early.page.then((page) => seedFromEarly(cache, page) && seeded());
  }, [early, cache]);
  const lines = useLogLines(workItemId, cache);
  useLiveLog(workItemId, line, lines, reload);
  const [follow, setFollow] = useState<boolean>();
  const [timestamps, setTimestamps] = useState(false);
  const startMs = item?.started ? Date.parse(item.started) : undefined;
  const live = item?.state === 'Running' || item?.state === 'Queued';
  const following = live && (follow ?? line === undefined);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: cache.total,
    getScrollElement: () => scroller.current,
    estimateSize: () => lineHeight,
    overscan: 40,
  });
  const { marked, jump, jumpedAt } = useJump(
    virtualizer,
    useCallback(() => setFollow(false), []),
  );
  const { search, notice, runSearch, step, firstError } = useLogSearch(workItemId, jump);
  const items = virtualizer.getVirtualItems();
  const [first, last] = [items[0]?.index ?? 0, items[items.length - 1]?.index ?? 0];
  const { fetchRange } = lines;
  useEffect(() => fetchRange(first, last), [first, last, cache.total, fetchRange]);
  useEffect(() => {
    if (following && cache.total > 0) virtualizer.scrollToIndex(cache.total - 1, { align: 'end' });
  }, [following, cache.total, virtualizer]);
  const hasLines = cache.total > 0;
  // The early rows go in the commit that draws this page's first lines (or says why there are none).
  useLayoutEffect(() => {
    if (!early || (!hasLines && !lines.error)) return;
    const top = early.takeOver();
    if (line === undefined && top && scroller.current) scroller.current.scrollTop = top;
  }, [early, hasLines, lines.error, line]);
  useEffect(() => () => void early?.takeOver(), [early]);
  useEffect(() => {
    if (line !== undefined && hasLines) jump(Math.min(line, cache.total) - 1);
  }, [line, hasLines]); // eslint-disable-line react-hooks/exhaustive-deps -- jump once per requested line
  // A reader who moves up stops following at once: the wheel's animated scroll would otherwise be
  // cut short by the next line's scroll to the end, and a scroll to the end that was already queued
  // when they moved does not turn following back on.
  const movedUpAt = useRef(0);
  const movedUp = () => {
    if (!live) return;
    movedUpAt.current = Date.now();
    setFollow(false);
  };
  const onScroll = () => {
    const el = scroller.current;
    if (!el || !live || Date.now() - jumpedAt.current < 500) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 2 * lineHeight;
    if (atBottom && Date.now() - movedUpAt.current < 500) return;
    if (atBottom !== following) setFollow(atBottom);
  };
  return (
    <section className="page page-fill" data-testid="page-log">
      <LogHeader item={item} failure={failure} total={cache.total} />
      <LogToolbar
        search={search}
        onSearch={runSearch}
        onStep={step}
        onFirstError={firstError}
        following={following}
        canFollow={live}
        onFollow={() => setFollow(!following)}
        timestamps={timestamps}
        onTimestamps={() => setTimestamps(!timestamps)}
        downloadUrl={client.rawLogUrl(workItemId)}
        downloadName={`${workItemId}.log`}
        notice={notice}
      />
      {lines.error && (
        <p className="error" role="alert">
          {lines.error}
        </p>
      )}
      <div
        className="log-view"
        ref={scroller}
        onScroll={onScroll}
        onWheel={(event) => event.deltaY < 0 && movedUp()}
        onKeyDown={(event) => ['ArrowUp', 'PageUp', 'Home'].includes(event.key) && movedUp()}
        data-testid="log-view"
        tabIndex={0}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
          <LogRows
            workItemId={workItemId}
            cache={cache}
            items={items}
            marked={marked}
            search={search}
            times={timestamps ? { startMs } : undefined}
          />
        </div>
        {cache.total === 0 && <p className="empty">{live ? 'Waiting for output…' : 'The log is empty.'}</p>}
      </div>
    </section>
  );
}
