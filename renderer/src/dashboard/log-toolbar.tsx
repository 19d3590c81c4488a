import { useState, type FormEvent, type KeyboardEvent } from 'react';

/** Where the search stands: the matching lines and which one is shown. */
export interface SearchState {
  query: string;
  matches: readonly number[];
  current: number;
  truncated: boolean;
  searching: boolean;
}

/** What the search box says about the search: how far, which match of how many, or none. */
function searchPosition(search: SearchState): string {
  if (search.searching) return 'searching…';
  if (!search.query) return '';
  if (!search.matches.length) return 'no match';
  return `${search.current + 1} of ${search.matches.length}${search.truncated ? '+' : ''}`;
}

/** The search box: Enter searches (or steps to the next match), Shift+Enter steps back. */
function LogSearch({
  search,
  onSearch,
  onStep,
}: {
  search: SearchState;
  onSearch: (query: string) => void;
  onStep: (delta: 1 | -1) => void;
}) {
  const [draft, setDraft] = useState(search.query);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft === search.query && search.matches.length) onStep(1);
    else onSearch(draft);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && event.shiftKey) {
      event.preventDefault();
      onStep(-1);
    }
  };
  return (
    <form role="search" onSubmit={submit} className="log-search">
      <input
        aria-label="Search the log"
        placeholder="Search the log"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
      />
      <button
        type="button"
        onClick={() => onStep(-1)}
        disabled={!search.matches.length}
        aria-label="Previous match"
      >
        ↑
      </button>
      <button
        type="button"
        onClick={() => onStep(1)}
        disabled={!search.matches.length}
        aria-label="Next match"
      >
        ↓
      </button>
      <span className="muted" data-testid="search-position" aria-live="polite">
        {searchPosition(search)}
      </span>
    </form>
  );
}

/** The log's tools: search with next/previous, first error, follow, timestamps, download. */
export function LogToolbar({
  search,
  onSearch,
  onStep,
  onFirstError,
  following,
  canFollow,
  onFollow,
  timestamps,
  onTimestamps,
  downloadUrl,
  downloadName,
  notice,
}: {
  search: SearchState;
  onSearch: (query: string) => void;
  onStep: (delta: 1 | -1) => void;
  onFirstError: () => void;
  following: boolean;
  canFollow: boolean;
  onFollow: () => void;
  timestamps: boolean;
  onTimestamps: () => void;
  downloadUrl: string;
  downloadName: string;
  notice: string | undefined;
}) {
  return (
    <div className="log-toolbar">
      <LogSearch search={search} onSearch={onSearch} onStep={onStep} />
      <button type="button" onClick={onFirstError}>
        First error
      </button>
      {canFollow && (
        <button type="button" onClick={onFollow} aria-pressed={following}>
          {following ? 'Following' : 'Follow'}
        </button>
      )}
      <button
        type="button"
        onClick={onTimestamps}
        aria-pressed={timestamps}
        title="When each line arrived (per batch of the agent's output, at most 50 ms apart)"
      >
        Timestamps
      </button>
      <a
        className="button"
        href={downloadUrl}
        download={downloadName}
        target="_blank"
        rel="noopener noreferrer"
      >
        Download raw log
      </a>
      {notice && (
        <span className="muted" role="status">
          {notice}
        </span>
      )}
    </div>
  );
}
