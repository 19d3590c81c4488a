import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConfigOutcome } from '../../../../electron/common/config-editor-contract';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConfigFile, FileVersion } from '../../../../electron/common/instance-schemas';

/** How long the editor waits for the instance to report on a saved text before it says so. */
const reportWaitMs = 30_000;

/** Where a save is: from the review to what the instance reported. */
export type SaveState =
  | { readonly step: 'idle' }
  | { readonly step: 'review' }
  | { readonly step: 'saving' }
  | {
      readonly step: 'conflict';
      readonly message: string;
      readonly current: ConfigFile;
      readonly mine: string;
    }
  | { readonly step: 'waiting'; readonly sha256: string; readonly since: number }
  | { readonly step: 'applied'; readonly outcome: Extract<ConfigOutcome, { kind: 'applied' }> }
  | { readonly step: 'rejected'; readonly outcome: Extract<ConfigOutcome, { kind: 'rejected' }> }
  | { readonly step: 'not-running'; readonly message: string }
  | { readonly step: 'no-report'; readonly sha256: string; readonly since: number }
  /** `saved`: the file was written, only the instance's report could not be read. */
  | { readonly step: 'failed'; readonly message: string; readonly saved: boolean };

/** What the save flow needs from the editor. */
export interface SaveTarget {
  desk: DeskApi;
  profileId: string;
  /** The text to save and the version it was loaded at (null: the file did not exist). */
  text: string;
  baseVersion: FileVersion | null;
  /** The text is saved: it is the new base. */
  onSaved: (text: string, version: FileVersion) => void;
}

/** The save flow: review, confirm, write (or a conflict), then wait for the instance's report. */
export function useSaveFlow(target: SaveTarget) {
  const [state, setState] = useState<SaveState>({ step: 'idle' });
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => void (alive.current = false);
  }, []);
  const latest = useRef(target);
  latest.current = target;
  const set = (next: SaveState) => alive.current && setState(next);

  const waitForReport = useCallback(async (sha256: string, from: number) => {
    const { desk, profileId } = latest.current;
    const deadline = Date.now() + reportWaitMs;
    let since = from;
    set({ step: 'waiting', sha256, since });
    while (alive.current) {
      const outcome = await desk
        .configOutcome({ profileId, sha256, since, timeoutMs: 10_000 })
        .catch((error: Error) => error);
      if (outcome instanceof Error) return set({ step: 'failed', message: outcome.message, saved: true });
      if (outcome.kind === 'applied') return set({ step: 'applied', outcome });
      if (outcome.kind === 'rejected') return set({ step: 'rejected', outcome });
      if (outcome.kind === 'not-running') return set({ step: 'not-running', message: outcome.message });
      since = outcome.since;
      if (Date.now() > deadline) return set({ step: 'no-report', sha256, since });
    }
  }, []);

  const write = useCallback(
    async (content: string, baseVersion: FileVersion | null) => {
      const { desk, profileId, onSaved } = latest.current;
      set({ step: 'saving' });
      try {
        const mark = await desk.configEventSeq({ profileId });
        const result = await desk.configWrite({ profileId, content, baseVersion });
        if (!result.ok)
          return set({ step: 'conflict', message: result.message, current: result.current, mine: content });
        onSaved(content, result.version);
        if (mark.eventSeq === null)
          return set({ step: 'not-running', message: mark.problem ?? 'the instance does not run' });
        await waitForReport(result.version.sha256, mark.eventSeq);
      } catch (error) {
        set({ step: 'failed', message: (error as Error).message, saved: false });
      }
    },
    [waitForReport],
  );

  return {
    state,
    review: () => setState({ step: 'review' }),
    close: () => setState({ step: 'idle' }),
    /** Save the edited text over the version it was loaded at. */
    confirm: () => void write(latest.current.text, latest.current.baseVersion),
    /** After a conflict: save mine over the file as it is now. */
    overwrite: (current: ConfigFile) => void write(latest.current.text, current.version),
    /** After no report in time: wait again from where the last wait stopped. */
    keepWaiting: (sha256: string, since: number) => void waitForReport(sha256, since),
  };
}

/** The save flow's handle, for the components that show it. */
export type SaveFlow = ReturnType<typeof useSaveFlow>;
