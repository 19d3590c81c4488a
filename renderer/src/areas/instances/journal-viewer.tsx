import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import {
  filterEntries,
  journalLevels,
  type JournalEntry,
  type JournalFilter,
  type JournalLevel,
} from '../../../../electron/common/journal-entry';
import { timeOfDay } from './format';
import { JournalSignatures } from './journal-signatures';
import { useJournal } from './use-journal';

const ranges = { all: 0, '15m': 15, '1h': 60, '24h': 24 * 60 } as const;
type Range = keyof typeof ranges;
const rowHeight = 20;

function lineText(entry: JournalEntry): string {
  return `${timeOfDay(entry.time)} ${entry.level.toUpperCase().padEnd(8)} ${entry.message}`;
}

function saveAs(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}

interface ToolbarProps {
  filter: { minLevel: JournalLevel; text: string; problemsOnly: boolean; range: Range };
  set: {
    setMinLevel: (level: JournalLevel) => void;
    setText: (text: string) => void;
    setProblemsOnly: (on: boolean) => void;
    setRange: (range: Range) => void;
  };
  paused: boolean;
  onPause: () => void;
  onCopy: () => void;
  onSave: () => void;
}

/** Level, time range, text and problems filters; pause, copy and save. */
function JournalToolbar({ filter, set, paused, onPause, onCopy, onSave }: ToolbarProps) {
  const { minLevel, text, problemsOnly, range } = filter;
  const { setMinLevel, setText, setProblemsOnly, setRange } = set;
  return (
    <div className="journal-toolbar">
      <label>
        Level{' '}
        <select value={minLevel} onChange={(e) => setMinLevel(e.target.value as JournalLevel)}>
          {journalLevels.map((l) => (
            <option key={l} value={l}>
              {l === 'debug' ? 'all' : `${l} and above`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Range{' '}
        <select value={range} onChange={(e) => setRange(e.target.value as Range)}>
          <option value="all">everything loaded</option>
          <option value="15m">last 15 minutes</option>
          <option value="1h">last hour</option>
          <option value="24h">last 24 hours</option>
        </select>
      </label>
      <input
        aria-label="Filter text"
        placeholder="Filter text"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <label title='The daily check: grep -iE "traceback|warning|error|critical"'>
        <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} />{' '}
        Problems only
      </label>
      <button type="button" onClick={onPause} aria-pressed={paused}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" onClick={onCopy}>
        Copy
      </button>
      <button type="button" onClick={onSave}>
        Save
      </button>
    </div>
  );
}

/** The live journal: virtualised, coloured by level, filtered by level, text, problems and time. */
export function JournalViewer({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const [paused, setPaused] = useState(false);
  const journal = useJournal(desk, profileId, paused);
  const [minLevel, setMinLevel] = useState<JournalLevel>('debug');
  const [text, setText] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const [range, setRange] = useState<Range>('all');
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setNow(Date.now()), [journal.entries, range]);
  const filter: JournalFilter = useMemo(
    () => ({ minLevel, text, problemsOnly, since: ranges[range] ? now - ranges[range] * 60_000 : undefined }),
    [minLevel, text, problemsOnly, range, now],
  );
  const shown = useMemo(() => filterEntries(journal.entries, filter), [journal.entries, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 30,
  });
  useEffect(() => {
    if (!paused && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [shown.length, paused, virtualizer]);
  const copy = () => void navigator.clipboard?.writeText(shown.map(lineText).join('\n'));
  const follower = journal.follower;
  return (
    <section className="card journal" aria-label="Journal">
      <div className="card-header">
        <h2>Journal</h2>
        <span className="muted small" data-testid="journal-state">
          {journal.source} · {follower ? follower.state : 'starting'}
          {follower?.error ? `: ${follower.error}` : ''} · {shown.length} of {journal.entries.length} lines
        </span>
      </div>
      <JournalToolbar
        filter={{ minLevel, text, problemsOnly, range }}
        set={{ setMinLevel, setText, setProblemsOnly, setRange }}
        paused={paused}
        onPause={() => setPaused((p) => !p)}
        onCopy={copy}
        onSave={() => saveAs(`coin-journal-${profileId}.log`, shown.map(lineText).join('\n'))}
      />
      {journal.error && <p className="error">{journal.error}</p>}
      <JournalSignatures desk={desk} profileId={profileId} entries={journal.entries} />
      {journal.gap && (
        <p className="warn-text">Some lines came faster than they were shown and were skipped.</p>
      )}
      <div ref={scroller} className="journal-lines" data-testid="journal-lines" role="log">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const entry = shown[row.index]!;
            return (
              <div
                key={entry.seq}
                className={`journal-line level-${entry.level}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  transform: `translateY(${row.start}px)`,
                  height: rowHeight,
                }}
              >
                <span className="journal-time">{timeOfDay(entry.time)}</span>{' '}
                <span className="journal-level">{entry.level}</span>{' '}
                <span className="journal-message">{entry.message}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
