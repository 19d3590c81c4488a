import { useEffect, useRef } from 'react';
import { timeOfDay } from './format';
import type { RunnerOutputState } from './use-runner-output';

/** Shown lines; the rest of what was read stays in memory for the next render. */
const shownLines = 1000;

/** The runner's output, newest at the bottom, following the end unless scrolled up. */
export function RunnerOutputView({ output }: { output: RunnerOutputState }) {
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const shown = output.entries.slice(-shownLines);
  useEffect(() => {
    const element = box.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [output.entries]);
  const onScroll = () => {
    const element = box.current;
    if (element) following.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 24;
  };
  return (
    <>
      {output.error && <p className="error">The output could not be read: {output.error}</p>}
      {output.gap && <p className="warn-text">Older lines were dropped before they were shown.</p>}
      <div
        ref={box}
        className="journal-lines runner-output"
        data-testid="local-runner-output"
        role="log"
        aria-label="Runner output"
        onScroll={onScroll}
      >
        {shown.length === 0 && <div className="journal-line muted">No output yet.</div>}
        {shown.map((entry) => (
          <div key={entry.seq} className={`journal-line level-${entry.level}`}>
            <span className="journal-time">{timeOfDay(entry.time)}</span>{' '}
            <span className="journal-level">{entry.level}</span>{' '}
            <span className="journal-message">{entry.message}</span>
          </div>
        ))}
      </div>
    </>
  );
}
