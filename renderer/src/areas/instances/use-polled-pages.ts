import { useEffect, useRef, useState } from 'react';

/** One page of a line stream read from the app: entries after a position, and where to go on. */
export interface PolledPage<E> {
  entries: readonly E[];
  next: number;
  /** Entries were dropped by the service before they were read. */
  truncated: boolean;
}

/** What the viewer knows about the stream so far. */
export interface PolledState<E, P> {
  entries: readonly E[];
  /** The latest page (for what else it says, e.g. the journal's follower state). */
  last: P | undefined;
  error: string | undefined;
  gap: boolean;
}

export interface PollOptions {
  paused?: boolean;
  /** Entries asked for per call; a full page is followed at once by the next call. */
  limit: number;
  /** Entries kept in the page; older ones are dropped first. */
  maxEntries: number;
}

const emptyState = { entries: [], last: undefined, error: undefined, gap: false };

/**
 * Polls `read` every second while not paused, appending what is new; starts over when `read`
 * changes (memoise it on what it reads). Errors are shown and retried after 3 s.
 */
export function usePolledPages<E, P extends PolledPage<E>>(
  read: (after: number, limit: number) => Promise<P>,
  { paused = false, limit, maxEntries }: PollOptions,
): PolledState<E, P> {
  const [state, setState] = useState<PolledState<E, P>>(emptyState);
  const after = useRef(0);
  useEffect(() => {
    after.current = 0;
    setState(emptyState);
  }, [read]);
  useEffect(() => {
    if (paused) return undefined;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const page = await read(after.current, limit);
        if (!live) return;
        after.current = page.next;
        setState((s) => ({
          entries: page.entries.length > 0 ? [...s.entries, ...page.entries].slice(-maxEntries) : s.entries,
          last: page,
          error: undefined,
          gap: s.gap || page.truncated,
        }));
        timer = setTimeout(() => void poll(), page.entries.length >= limit ? 0 : 1000);
      } catch (error) {
        if (!live) return;
        setState((s) => ({ ...s, error: (error as Error).message }));
        timer = setTimeout(() => void poll(), 3000);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [read, paused, limit, maxEntries]);
  return state;
}
