import { Fragment, memo } from 'react';
import { parseAnsi, type AnsiSegment, type AnsiStyle } from './ansi';
import { formatOffset, formatTimeMs } from './format';
import { markMatches } from './log-lines';

function ansiClass(style: AnsiStyle): string {
  const names: string[] = [];
  if (typeof style.fg === 'number') names.push(`ansi-fg-${style.fg}`);
  if (typeof style.bg === 'number') names.push(`ansi-bg-${style.bg}`);
  if (style.bold) names.push('ansi-bold');
  if (style.dim) names.push('ansi-dim');
  if (style.italic) names.push('ansi-italic');
  if (style.underline) names.push('ansi-underline');
  return names.join(' ');
}

function ansiColours(style: AnsiStyle): { color?: string; backgroundColor?: string } | undefined {
  const colours = {
    ...(typeof style.fg === 'string' ? { color: style.fg } : {}),
    ...(typeof style.bg === 'string' ? { backgroundColor: style.bg } : {}),
  };
  return Object.keys(colours).length ? colours : undefined;
}

/** One log line's text: its ANSI colours, and the search matches marked inside them. */
export const LogLineText = memo(function LogLineText({ text, query }: { text: string; query: string }) {
  const coloured = text.includes('\x1b');
  if (!coloured && !(query && text.toLowerCase().includes(query.toLowerCase()))) return <>{text}</>;
  const segments: AnsiSegment[] = coloured ? parseAnsi(text).segments : [{ text, style: {} }];
  return (
    <>
      {markMatches(segments, query).map((segment, i) => (
        <span key={i} className={ansiClass(segment.style) || undefined} style={ansiColours(segment.style)}>
          {segment.parts.map((part, j) =>
            part.match ? <mark key={j}>{part.text}</mark> : <Fragment key={j}>{part.text}</Fragment>,
          )}
        </span>
      ))}
    </>
  );
});

/** When a line arrived: after the work item's start (or the clock time), the full time on hover. */
export function LogLineTimeText({ at, startMs }: { at: number | undefined; startMs: number | undefined }) {
  if (at === undefined) return <span className="ts muted" title="time not recorded" />;
  const text = startMs === undefined ? formatTimeMs(at).slice(11) : formatOffset(at - startMs);
  return (
    <span className="ts" title={formatTimeMs(at)}>
      {text}
    </span>
  );
}
