/** The log page's data and behaviour: the work item, its lines, jumps, search, live updates. */
import type { Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { LogLines, WorkItem, WorkItemFailure } from './api-types';
import type { LogLineCache } from './log-lines';
import type { SearchState } from './log-toolbar';
import { useDashboard, useLoad, useStreamListener, useThrottled } from './use-dashboard';
import { taskFailures } from './work-item-lanes';

const noSearch: SearchState = { query: '', matches: [], current: 0, truncated: false, searching: false };

/** The work item (for its state and name) and its classified failure, reloaded when it changes. */
export function useWorkItem(workItemId: string): {
  item: WorkItem | undefined;
  failure: WorkItemFailure | undefined;
  reload: () => void;
} {
  const { client } = useDashboard();
  const taskId = workItemId.split('.')[0] ?? '';
  const detail = useLoad(useCallback((signal) => client.taskDetail(taskId, signal), [client, taskId]));
  const failure = detail.data && taskFailures(detail.data).find((f) => f.workItemId === workItemId);
  return { item: detail.data?.workItems.find((w) => w.id === workItemId), failure, reload: detail.reload };
}

/** Fetches the lines a range needs and the tail as the log grows; returns a change counter. */
export function useLogLines(workItemId: string, cache: LogLineCache) {
  const { client } = useDashboard();
  const [version, bump] = useReducer((v: number) => v + 1, 0);
  const [error, setError] = useState<string>();
  const inFlight = useRef(new Set<number>());
  const keep = useCallback(
    (page: LogLines) => {
      cache.put(page.from, page.lines, page.total, page.times);
      setError(undefined);
      bump();
    },
    [cache],
  );
  const fetchChunk = useCallback(
    (key: number) => {
      if (inFlight.current.has(key)) return;
      inFlight.current.add(key);
      client
        .logLines(workItemId, key * cache.chunkSize, cache.chunkSize)
        .then(keep, (e: Error) => setError(e.message))
        .finally(() => inFlight.current.delete(key));
    },
    [cache, client, keep, workItemId],
  );
  const fetchRange = useCallback(
    (first: number, last: number) => cache.chunksToFetch(first, last).forEach(fetchChunk),
    [cache, fetchChunk],
  );
  /** The chunk holding `line`, before the line count is known (saves a round trip on opening). */
  const fetchChunkOf = useCallback(
    (line: number) => fetchChunk(Math.floor(line / cache.chunkSize)),
    [cache, fetchChunk],
  );
  const fetchTail = useCallback(() => {
    client.logTail(workItemId, cache.chunkSize).then(keep, (e: Error) => setError(e.message));
  }, [cache, client, keep, workItemId]);
  return { version, error, fetchRange, fetchTail, fetchChunkOf };
}

/** Scrolls to a line and marks it. */
export function useJump(virtualizer: Virtualizer<HTMLDivElement, Element>, stopFollowing: () => void) {
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

/** Search and first error: where they land is jumped to. */
export function useLogSearch(workItemId: string, jump: (index: number) => void) {
  const { client } = useDashboard();
  const [search, setSearch] = useState(noSearch);
  const [notice, setNotice] = useState<string>();
  const runSearch = (query: string) => {
    if (!query) return setSearch(noSearch);
    setSearch({ ...noSearch, query, searching: true });
    client.logSearch(workItemId, query).then(
      (result) => {
        setSearch({ ...noSearch, query, matches: result.matches, truncated: result.truncated });
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
    void client.logFirstError(workItemId).then(
      (found) =>
        found === null ? setNotice('No line looks like an error.') : (setNotice(undefined), jump(found)),
      (e: Error) => setNotice(e.message),
    );
  return { search, notice, runSearch, step, firstError };
}

/** Live lines: subscribe to the work item's log, fetch what opening and growing need. */
export function useLiveLog(
  workItemId: string,
  line: number | undefined,
  lines: ReturnType<typeof useLogLines>,
  reload: () => void,
) {
  const { stream } = useDashboard();
  const { fetchTail, fetchChunkOf } = lines;
  const refresh = useThrottled(fetchTail, 250);
  useEffect(() => {
    stream.followLogs([workItemId]);
    return () => stream.followLogs([]);
  }, [stream, workItemId]);
  useEffect(() => {
    fetchTail();
    // The lines around the asked line (or the top), while the tail tells how many lines there are.
    const at = line === undefined ? 0 : line - 1;
    fetchChunkOf(Math.max(0, at - 100));
    fetchChunkOf(at + 100);
  }, [fetchTail, fetchChunkOf]); // eslint-disable-line react-hooks/exhaustive-deps -- on opening only
  useStreamListener({
    log: (m) => m.workItemId === workItemId && refresh(),
    event: (e) => e.subject === workItemId && (reload(), refresh()),
    resync: () => (reload(), refresh()),
  });
}
