import { useCallback, useEffect, useRef, useState } from 'react';

/** The last result of a polled call, or why it failed. */
export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/**
 * Calls `load` now and every `intervalMs` while mounted; `refresh()` calls it at once. One call
 * at a time: a tick while a call is in flight is skipped, and a refresh then runs right after it,
 * so a call slower than the interval (a busy host) still lands instead of being dropped for the
 * next one, again and again.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number): [Polled<T>, () => void] {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined, loading: true });
  // Bumped when `load` changes or the component goes: answers of an older generation are dropped.
  const generation = useRef(0);
  const inFlight = useRef(false);
  const again = useRef(false);
  const call = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    const mine = generation.current;
    setState((s) => ({ ...s, loading: true }));
    const settle = (next: (s: Polled<T>) => Polled<T>) => {
      if (mine !== generation.current) return;
      inFlight.current = false;
      setState(next);
      if (again.current) {
        again.current = false;
        call();
      }
    };
    load().then(
      (data) => settle(() => ({ data, error: undefined, loading: false })),
      (error: Error) => settle((s) => ({ ...s, error: error.message, loading: false })),
    );
  }, [load]);
  const refresh = useCallback(() => {
    if (inFlight.current) again.current = true;
    else call();
  }, [call]);
  useEffect(() => {
    const calls = generation;
    calls.current++;
    inFlight.current = false;
    again.current = false;
    call();
    const timer = setInterval(call, intervalMs);
    return () => {
      clearInterval(timer);
      calls.current++;
    };
  }, [call, intervalMs]);
  return [state, refresh];
}
