/** The dashboard's shared connection (API client and event stream) and the hooks pages use. */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { BugReportDraft, BugReportSource } from '../../../runner/core/bug-report';
import type { ControlAnswer } from '../../../runner/core/instance-api-control';
import type { DashboardClient } from './dashboard-client';
import type { EventStream, StreamListeners, StreamStatus } from './event-stream';

/** What every page of the dashboard talks to. */
export interface Dashboard {
  client: DashboardClient;
  stream: EventStream;
  /**
   * Where the page's host makes control actions itself (the app, holding the admin token): the
   * task page's controls then only confirm. Absent in the dashboard a runner serves.
   */
  control?: (taskId: string, action: 'cancel' | 'rerun' | 'retry', reason: string) => Promise<ControlAnswer>;
  /**
   * Where the host drafts bug reports itself (the app: the profile's tracker URL and the versions
   * it knows). Absent in the dashboard a runner serves, which drafts in the page.
   */
  draftBugReport?: (source: BugReportSource) => Promise<BugReportDraft>;
}

/** Provided once by DashboardApp. */
export const DashboardContext = createContext<Dashboard | null>(null);

/** The dashboard connection of this page. */
export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (!dashboard) throw new Error('useDashboard needs a DashboardContext provider');
  return dashboard;
}

/** Listen to the event stream while mounted; the latest listeners are always called. */
export function useStreamListener(listeners: StreamListeners): void {
  const { stream } = useDashboard();
  const latest = useRef(listeners);
  useEffect(() => {
    latest.current = listeners;
  });
  useEffect(
    () =>
      stream.listen({
        event: (e) => latest.current.event?.(e),
        log: (m) => latest.current.log?.(m),
        status: (s) => latest.current.status?.(s),
        resync: () => latest.current.resync?.(),
      }),
    [stream],
  );
}

/** The event stream's status, updated as it changes. */
export function useStreamStatus(): StreamStatus {
  const { stream } = useDashboard();
  const [status, setStatus] = useState(stream.status);
  useStreamListener({ status: setStatus });
  return status;
}

/** A function that calls `fn` at most once per `ms` (the first call at once, the last one too). */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const last = useRef(0);
  const pending = useRef(false);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0 && !timer.current) {
      last.current = Date.now();
      latest.current();
      return;
    }
    pending.current = true;
    timer.current ??= setTimeout(
      () => {
        timer.current = undefined;
        if (!pending.current) return;
        pending.current = false;
        last.current = Date.now();
        latest.current();
      },
      Math.max(wait, 0),
    );
  }, [ms]);
}

/** The current time, refreshed every `periodMs` (for ages and running durations). */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/** The state of one load. */
export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Load with `load` on mount and whenever it changes; reload() fetches again, keeping the old data meanwhile. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error: Error) =>
        !controller.signal.aborted &&
        setState((s) => ({ data: s.data, error: error.message, loading: false })),
    );
    return () => controller.abort();
  }, [load, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
