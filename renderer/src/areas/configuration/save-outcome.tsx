import type { ReactNode } from 'react';
import type { SaveFlow } from './use-save-flow';

/** What became of the last save, as the instance reported it. */
export function SaveOutcome({ flow }: { flow: SaveFlow }) {
  const { state } = flow;
  switch (state.step) {
    case 'idle':
    case 'review':
    case 'conflict':
      return null;
    case 'saving':
      return <Banner tone="busy">Saving…</Banner>;
    case 'waiting':
      return <Banner tone="busy">Saved. Waiting for the instance to apply it…</Banner>;
    case 'applied': {
      const { version, appliedBy, via, changes } = state.outcome;
      return (
        <Banner tone="ok" onClose={flow.close}>
          The instance applied it as version {version} ({appliedBy === via ? via : `${appliedBy}, ${via}`}).
          {changes.length > 0 && (
            <ul className="small">
              {changes.map((c) => (
                <li key={c.path} className="mono">
                  {c.path}: {JSON.stringify(c.before) ?? '(none)'} → {JSON.stringify(c.after) ?? '(none)'}
                </li>
              ))}
            </ul>
          )}
        </Banner>
      );
    }
    case 'rejected':
      return (
        <Banner tone="fail" onClose={flow.close}>
          The instance rejected it;{' '}
          {state.outcome.keptVersion === null
            ? 'the defaults stay in force'
            : `version ${state.outcome.keptVersion} stays in force`}
          :
          <ul className="mono small">
            {state.outcome.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </Banner>
      );
    case 'not-running':
      return (
        <Banner tone="warn" onClose={flow.close}>
          Saved. The instance does not run ({state.message}): it applies the file when it starts.
        </Banner>
      );
    case 'no-report':
      return (
        <Banner tone="warn" onClose={flow.close}>
          Saved, but the instance has not reported on it yet (it reports a text once, and nothing for a text
          equal to the version in force).{' '}
          <button type="button" className="link" onClick={() => flow.keepWaiting(state.sha256, state.since)}>
            Keep waiting
          </button>
        </Banner>
      );
    case 'failed':
      return (
        <Banner tone="fail" onClose={flow.close}>
          {state.saved ? "Saved, but the instance's report could not be read" : 'Not saved'}: {state.message}
        </Banner>
      );
  }
}

function Banner({
  tone,
  onClose,
  children,
}: {
  tone: 'busy' | 'ok' | 'warn' | 'fail';
  onClose?: () => void;
  children: ReactNode;
}) {
  return (
    <div className={`save-outcome outcome-${tone}`} role="status" data-testid="save-outcome" data-tone={tone}>
      <div>{children}</div>
      {onClose && (
        <button type="button" className="link" onClick={onClose} aria-label="Dismiss">
          ✕
        </button>
      )}
    </div>
  );
}
