import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of one asynchronous DeskApi call. */
export type CallState<T> =
  | { status: 'loading'; data?: T }
  | { status: 'done'; data: T }
  | { status: 'error'; message: string; data?: T };

/** Run `call` on mount and on `run()`; keeps the last data while reloading. */
export function useDeskCall<T>(call: () => Promise<T>): [CallState<T>, () => void] {
  const [state, setState] = useState<CallState<T>>({ status: 'loading' });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ status: 'loading', data: previous.data }));
    call().then(
      (data) => mine === generation.current && setState({ status: 'done', data }),
      (error: Error) =>
        mine === generation.current &&
        setState((p) => ({ status: 'error', message: error.message, data: p.data })),
    );
  }, [call]);
  useEffect(run, [run]);
  return [state, run];
}
