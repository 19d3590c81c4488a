import { useCallback } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { JournalEntry } from '../../../../electron/common/journal-entry';
import { usePolledPages } from './use-polled-pages';

type OutputPage = Awaited<ReturnType<DeskApi['localRunnerOutput']>>;

/** The output of a local runner as read so far. */
export interface RunnerOutputState {
  entries: readonly JournalEntry[];
  error: string | undefined;
  /** Lines were dropped by the service before they were read. */
  gap: boolean;
}

/** Polls local-runner:output for a directory every second, appending what is new (the last 5,000 lines kept). */
export function useRunnerOutput(desk: DeskApi, workingDir: string | undefined): RunnerOutputState {
  const read = useCallback(
    (after: number, limit: number) => desk.localRunnerOutput({ workingDir, after, limit }),
    [desk, workingDir],
  );
  const { entries, error, gap } = usePolledPages<JournalEntry, OutputPage>(read, {
    limit: 2000,
    maxEntries: 5000,
  });
  return { entries, error, gap };
}
