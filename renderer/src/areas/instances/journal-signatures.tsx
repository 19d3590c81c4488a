/**
 * The error signatures of the loaded journal (error and critical lines grouped by what stays the
 * same between occurrences), the most frequent first, each with "Draft bug report".
 */
import { useMemo, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { JournalEntry } from '../../../../electron/common/journal-entry';
import type { BugReportDraft } from '../../../../runner/core/bug-report';
import { BugReportDialog } from '../maintenance/bug-report-dialog';
import { draftFor, errorSignatures, journalSource } from '../maintenance/bug-report-sources';

/** Signatures listed at most. */
const maxShown = 20;

export function JournalSignatures({
  desk,
  profileId,
  entries,
}: {
  desk: DeskApi;
  profileId: string;
  entries: readonly JournalEntry[];
}) {
  const groups = useMemo(() => errorSignatures(entries), [entries]);
  const [draft, setDraft] = useState<BugReportDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!groups.length) return null;
  return (
    <details className="journal-signatures" data-testid="journal-signatures">
      <summary>{groups.length} error signature(s) in the loaded journal</summary>
      <ul>
        {groups.slice(0, maxShown).map((group) => (
          <li key={group.signature} data-signature={group.signature}>
            <span className="mono">{group.signature}</span> <span className="muted">×{group.count}</span>{' '}
            <button
              type="button"
              onClick={() =>
                void draftFor(desk, profileId, journalSource(group)).then(setDraft, (e: Error) =>
                  setError(e.message),
                )
              }
            >
              Draft bug report
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {draft && <BugReportDialog draft={draft} onClose={() => setDraft(null)} />}
    </details>
  );
}
