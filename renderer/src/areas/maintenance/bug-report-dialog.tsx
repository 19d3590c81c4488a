/** The "Draft bug report" dialog: the Markdown the tracker wants, secrets masked, with Copy. */
import { useState } from 'react';
import type { BugReportDraft } from '../../../../runner/core/bug-report';
import { Dialog } from '../../components/dialog';

// navigator.clipboard needs a secure context (Electron's file:// and 127.0.0.1 are); the
// selection and execCommand are the fallback where it is missing.
async function copyText(text: string, area: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    area?.select();
    return document.execCommand('copy');
  }
}

/**
 * Shows `draft` for review; Copy puts title and body on the clipboard. `noTracker` is what to say
 * when the draft has no tracker URL (default: the profile has none).
 */
export function BugReportDialog({
  draft,
  onClose,
  noTracker = 'No tracker is set for this profile.',
}: {
  draft: BugReportDraft;
  onClose: () => void;
  noTracker?: string;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  const [area, setArea] = useState<HTMLTextAreaElement | null>(null);
  const text = `# ${draft.title}\n\n${draft.markdown}`;
  return (
    <Dialog
      title="Draft bug report"
      size="wide"
      onClose={onClose}
      actions={
        <>
          <span role="status" className="muted">
            {copied}
          </span>
          <button
            type="button"
            onClick={() =>
              void copyText(text, area).then((ok) =>
                setCopied(ok ? 'Copied: paste it into the tracker.' : 'Select the text and copy it.'),
              )
            }
          >
            Copy
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      <p>
        Review it before filing: secrets (tokens, passwords, private keys, Authorization headers, passwords in
        URLs) are masked.{' '}
        {draft.trackerUrl ? (
          <>
            File it at{' '}
            <a href={draft.trackerUrl} target="_blank" rel="noreferrer">
              {draft.trackerUrl}
            </a>
            .
          </>
        ) : (
          noTracker
        )}
      </p>
      <textarea
        ref={setArea}
        className="mono bug-report-text"
        aria-label="Bug report (Markdown)"
        readOnly
        rows={22}
        value={text}
      />
    </Dialog>
  );
}
