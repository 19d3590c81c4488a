import { memo } from 'react';
import { parseAnsi, stripAnsi, type AnsiStyle } from './ansi';
import { splitMatches } from './log-lines';

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

/** One log line's text: ANSI colours, or (when it contains the search text) the matches marked. */
export const LogLineText = memo(function LogLineText({ text, query }: { text: string; query: string }) {
  const plain = query ? stripAnsi(text) : '';
  if (query && plain.toLowerCase().includes(query.toLowerCase())) {
    return (
      <>
        {splitMatches(plain, query).map((part, i) =>
          part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
        )}
      </>
    );
  }
  if (!text.includes('\x1b')) return <>{text}</>;
  return (
    <>
      {parseAnsi(text).segments.map((segment, i) => (
        <span key={i} className={ansiClass(segment.style) || undefined} style={ansiColours(segment.style)}>
          {segment.text}
        </span>
      ))}
    </>
  );
});
