import { useEffect, useRef, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { JournalEntry } from '../../../../electron/common/journal-entry';

/** Lines kept in the page; the service keeps more. */
const maxEntries = 5000;

/** The output of a local runner as read so far. */
export interface RunnerOutputState {
  entries: readonly JournalEntry[];
  error: string | undefined;
  /** Lines were dropped by the service before they were read. */
  gap: boolean;
}

/** Polls local-runner:output for a directory every second, appending what is new. */
export function useRunnerOutput(desk: DeskApi, workingDir: string | undefined): RunnerOutputState {
  const [state, setState] = useState<RunnerOutputState>({ entries: [], error: undefined, gap: false });
  const after = useRef(0);
  useEffect(() => {
    after.current = 0;
    setState({ entries: [], error: undefined, gap: false });
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const page = await desk.localRunnerOutput({ workingDir, after: after.current, limit: 2000 });
        if (!live) return;
        after.current = page.next;
        setState((s) => ({
          entries: page.entries.length > 0 ? [...s.entries, ...page.entries].slice(-maxEntries) : s.entries,
          error: undefined,
          gap: s.gap || page.truncated,
        }));
        timer = setTimeout(() => void poll(), page.entries.length >= 2000 ? 0 : 1000);
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
  }, [desk, workingDir]);
  return state;
}
