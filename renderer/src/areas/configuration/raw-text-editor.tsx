import { useMemo, useRef, type RefObject, type UIEvent } from 'react';
import type { ConfigDiagnostic } from '../../../../runner/core/runtime-config/config-check';
import { highlightSegments, lineMarkers } from './jsonc-tokens';
import './raw-text.css';

/** Beyond this size the text is shown without colours (a real configuration is a few hundred bytes). */
const highlightLimit = 200_000;

/**
 * The raw text: a plain textarea over a highlighted copy of the same text (tokens coloured,
 * problems underlined), line numbers with a marker on each line that has a problem, and the
 * list of problems at line:column; choosing one puts the cursor there.
 */
export function RawTextEditor({
  text,
  diagnostics,
  onChange,
}: {
  text: string;
  diagnostics: readonly ConfigDiagnostic[];
  onChange: (text: string) => void;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const painted = useRef<HTMLPreElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = text.split('\n').length;
  const markers = useMemo(() => lineMarkers(diagnostics), [diagnostics]);
  const segments = useMemo(
    () => (text.length > highlightLimit ? [] : highlightSegments(text, diagnostics)),
    [text, diagnostics],
  );
  const onScroll = (event: UIEvent<HTMLTextAreaElement>) => {
    const { scrollTop, scrollLeft } = event.currentTarget;
    if (painted.current) painted.current.style.transform = `translate(${-scrollLeft}px, ${-scrollTop}px)`;
    if (gutter.current) gutter.current.style.transform = `translateY(${-scrollTop}px)`;
  };
  const goTo = (d: ConfigDiagnostic) => {
    area.current?.focus();
    area.current?.setSelectionRange(d.start, Math.max(d.end, d.start));
  };
  return (
    <div className="raw-text">
      <div className="raw-editor">
        <Gutter lines={lineCount} markers={markers} gutterRef={gutter} />
        <div className="raw-code">
          <pre ref={painted} className="raw-painted" aria-hidden="true" data-testid="raw-painted">
            {text.length > highlightLimit
              ? text
              : segments.map((s) => (
                  <span
                    key={s.start}
                    className={`tok-${s.kind}${s.severity ? ` squiggle-${s.severity}` : ''}`}
                    data-severity={s.severity}
                  >
                    {s.start >= text.length ? ' ' : text.slice(s.start, s.end)}
                  </span>
                ))}
            {'\n'}
          </pre>
          <textarea
            ref={area}
            className="raw-input"
            aria-label="coin_configuration.json text"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            wrap="off"
            value={text}
            onChange={(event) => onChange(event.target.value)}
            onScroll={onScroll}
          />
        </div>
      </div>
      <DiagnosticList diagnostics={diagnostics} onChoose={goTo} />
    </div>
  );
}

/** Line numbers, with a dot and the messages (as a tooltip) on each line that has a problem. */
function Gutter({
  lines,
  markers,
  gutterRef,
}: {
  lines: number;
  markers: ReturnType<typeof lineMarkers>;
  gutterRef: RefObject<HTMLDivElement | null>;
}) {
  return (
    <div className="raw-gutter-window" aria-hidden="true">
      <div ref={gutterRef} className="raw-gutter">
        {Array.from({ length: lines }, (_, i) => {
          const marker = markers.get(i + 1);
          return (
            <div
              key={i}
              className={marker ? `gutter-line gutter-${marker.severity}` : 'gutter-line'}
              data-line={i + 1}
              title={marker?.messages.join('\n')}
            >
              {i + 1}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Every problem at its line:column, in text order; choosing one moves the cursor there. */
function DiagnosticList({
  diagnostics,
  onChoose,
}: {
  diagnostics: readonly ConfigDiagnostic[];
  onChoose: (d: ConfigDiagnostic) => void;
}) {
  if (diagnostics.length === 0) return <p className="raw-ok muted">No problems.</p>;
  return (
    <ul className="diagnostics" aria-label="Problems in the text" data-testid="text-problems">
      {diagnostics.map((d, i) => (
        <li key={i} className={`diagnostic diagnostic-${d.severity}`}>
          <button type="button" className="link" onClick={() => onChoose(d)}>
            {d.line}:{d.column}
          </button>{' '}
          <span className="diagnostic-severity">{d.severity}</span>: {d.message}
        </li>
      ))}
    </ul>
  );
}
