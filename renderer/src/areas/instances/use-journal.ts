import { useCallback } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { JournalPage } from '../../../../electron/common/instances-contract';
import type { JournalEntry } from '../../../../electron/common/journal-entry';
import { usePolledPages } from './use-polled-pages';

/** What the viewer knows about the journal. */
export interface JournalState {
  entries: readonly JournalEntry[];
  follower: JournalPage['follower'] | undefined;
  source: string;
  error: string | undefined;
  /** Entries were dropped before the viewer read them. */
  gap: boolean;
}

/** Polls journal:read while not paused, appending what is new (at most 200,000 entries kept). */
export function useJournal(desk: DeskApi, profileId: string, paused: boolean): JournalState {
  const read = useCallback(
    (after: number, limit: number) => desk.journalRead({ profileId, after, limit }),
    [desk, profileId],
  );
  const state = usePolledPages<JournalEntry, JournalPage>(read, { paused, limit: 5000, maxEntries: 200_000 });
  return {
    entries: state.entries,
    follower: state.last?.follower,
    source: state.last?.source ?? '',
    error: state.error,
    gap: state.gap,
  };
}
