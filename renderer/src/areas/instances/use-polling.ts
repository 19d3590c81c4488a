import { useCallback, useEffect, useRef, useState } from 'react';

/** The last result of a polled call, or why it failed. */
export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/** Calls `load` now and every `intervalMs` while mounted; `refresh()` calls it at once. */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number): [Polled<T>, () => void] {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const refresh = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, error: undefined, loading: false }),
      (error: Error) =>
        mine === generation.current && setState((s) => ({ ...s, error: error.message, loading: false })),
    );
  }, [load]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, intervalMs);
    // Answers that arrive after unmount or a change of `load` are dropped.
    const calls = generation;
    return () => {
      clearInterval(timer);
      calls.current++;
    };
  }, [refresh, intervalMs]);
  return [state, refresh];
}
