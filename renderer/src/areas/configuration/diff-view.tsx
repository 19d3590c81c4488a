import './raw-text.css';

/** A unified diff with added and removed lines coloured. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  if (diff === '') return <p className="muted">No difference in the text.</p>;
  return (
    <pre className="diff" aria-label={label} data-testid="diff">
      {diff.split('\n').map((line, i) => {
        const kind = line.startsWith('@@')
          ? 'hunk'
          : line.startsWith('+++') || line.startsWith('---')
            ? 'head'
            : line.startsWith('+')
              ? 'add'
              : line.startsWith('-')
                ? 'del'
                : 'same';
        return (
          <div key={i} className={`diff-${kind}`}>
            {line || ' '}
          </div>
        );
      })}
    </pre>
  );
}
