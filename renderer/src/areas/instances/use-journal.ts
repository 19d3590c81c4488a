import { useEffect, useRef, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { JournalPage } from '../../../../electron/common/instances-contract';
import type { JournalEntry } from '../../../../electron/common/journal-entry';

/** Entries kept in the page; older ones are dropped first. */
const maxEntries = 200_000;

/** What the viewer knows about the journal. */
export interface JournalState {
  entries: readonly JournalEntry[];
  follower: JournalPage['follower'] | undefined;
  source: string;
  error: string | undefined;
  /** Entries were dropped before the viewer read them. */
  gap: boolean;
}

/** Polls journal:read while not paused, appending what is new. */
export function useJournal(desk: DeskApi, profileId: string, paused: boolean): JournalState {
  const [state, setState] = useState<JournalState>({
    entries: [],
    follower: undefined,
    source: '',
    error: undefined,
    gap: false,
  });
  const after = useRef(0);
  useEffect(() => {
    after.current = 0;
    setState({ entries: [], follower: undefined, source: '', error: undefined, gap: false });
  }, [profileId]);
  useEffect(() => {
    if (paused) return undefined;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const page = await desk.journalRead({ profileId, after: after.current, limit: 5000 });
        if (!live) return;
        after.current = page.next;
        setState((s) => ({
          entries: page.entries.length > 0 ? [...s.entries, ...page.entries].slice(-maxEntries) : s.entries,
          follower: page.follower,
          source: page.source,
          error: undefined,
          gap: s.gap || page.truncated,
        }));
        timer = setTimeout(() => void poll(), page.entries.length >= 5000 ? 0 : 1000);
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
  }, [desk, profileId, paused]);
  return state;
}
