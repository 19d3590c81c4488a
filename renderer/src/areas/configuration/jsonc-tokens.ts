/**
 * Syntax highlighting of the raw text without an editor dependency: a tokeniser for JSON with
 * comments that never fails (what JSON does not allow becomes an `invalid` token), and the
 * segments to paint, split where a diagnostic starts or ends so problems can be underlined.
 */
import type { ConfigDiagnostic, Severity } from '../../../../runner/core/runtime-config/config-check';

/** What a piece of the text is. */
export type TokenKind =
  'key' | 'string' | 'number' | 'keyword' | 'comment' | 'punctuation' | 'invalid' | 'space';

/** A token: its kind and offsets (end exclusive). */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
}

/** A painted piece: a token part, underlined when a diagnostic covers it. */
export interface Segment extends Token {
  readonly severity: Severity | undefined;
}

const numberPattern = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const wordPattern = /[A-Za-z_$][\w$]*/y;

function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

function stringEnd(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
    else if (text[i] === '\n') return i;
  }
  return text.length;
}

/** After a string: whether a `:` follows (then the string is a key). */
function followedByColon(text: string, at: number): boolean {
  while (at < text.length && /\s/.test(text[at]!)) at++;
  return text[at] === ':';
}

function sticky(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : at;
}

/** The token starting at `at`. */
function tokenAt(text: string, at: number): Token {
  const c = text[at]!;
  const token = (kind: TokenKind, end: number): Token => ({ kind, start: at, end: Math.max(end, at + 1) });
  if (/\s/.test(c)) return token('space', sticky(/\s+/y, text, at));
  if (text.startsWith('//', at)) return token('comment', lineEnd(text, at));
  if (text.startsWith('/*', at)) {
    const close = text.indexOf('*/', at + 2);
    return token('comment', close < 0 ? text.length : close + 2);
  }
  if (c === '#') return token('invalid', lineEnd(text, at));
  if (c === '"' || c === "'") {
    const end = stringEnd(text, at);
    const kind = c === "'" ? 'invalid' : followedByColon(text, end) ? 'key' : 'string';
    return token(kind, end);
  }
  if (/[-\d]/.test(c)) return token('number', sticky(numberPattern, text, at));
  if (/[{}[\],:]/.test(c)) return token('punctuation', at + 1);
  const wordEnd = sticky(wordPattern, text, at);
  if (wordEnd > at) {
    const word = text.slice(at, wordEnd);
    return token(['true', 'false', 'null'].includes(word) ? 'keyword' : 'invalid', wordEnd);
  }
  return token('invalid', at + 1);
}

/** Every token of the text, in order, covering it completely. */
export function tokenizeJsonc(text: string): Token[] {
  const tokens: Token[] = [];
  for (let at = 0; at < text.length;) {
    const token = tokenAt(text, at);
    tokens.push(token);
    at = token.end;
  }
  return tokens;
}

/** The worst severity covering offset `at` (errors win over warnings). */
function severityAt(diagnostics: readonly ConfigDiagnostic[], at: number): Severity | undefined {
  let worst: Severity | undefined;
  for (const d of diagnostics) {
    const end = Math.max(d.end, d.start + 1);
    if (d.start <= at && at < end) {
      if (d.severity === 'error') return 'error';
      worst = 'warning';
    }
  }
  return worst;
}

/**
 * The tokens split at every diagnostic boundary, each with the severity that covers it. A problem
 * at the very end of the text (an unclosed brace) gets a one-space segment to show it on.
 */
export function highlightSegments(text: string, diagnostics: readonly ConfigDiagnostic[]): Segment[] {
  const cuts = new Set<number>();
  for (const d of diagnostics) {
    cuts.add(d.start);
    cuts.add(Math.max(d.end, d.start + 1));
  }
  const segments: Segment[] = [];
  for (const token of tokenizeJsonc(text)) {
    const inside = [...cuts].filter((c) => c > token.start && c < token.end).sort((a, b) => a - b);
    let from = token.start;
    for (const to of [...inside, token.end]) {
      segments.push({ kind: token.kind, start: from, end: to, severity: severityAt(diagnostics, from) });
      from = to;
    }
  }
  const atEnd = diagnostics.find((d) => d.start >= text.length);
  if (atEnd)
    segments.push({ kind: 'space', start: text.length, end: text.length + 1, severity: atEnd.severity });
  return segments;
}

/** Per line (1-based), the worst severity and the messages of the diagnostics on it. */
export function lineMarkers(
  diagnostics: readonly ConfigDiagnostic[],
): Map<number, { severity: Severity; messages: string[] }> {
  const lines = new Map<number, { severity: Severity; messages: string[] }>();
  for (const d of diagnostics) {
    const known = lines.get(d.line);
    const severity = known?.severity === 'error' || d.severity === 'error' ? 'error' : 'warning';
    const message = `${d.line}:${d.column}: ${d.severity}: ${d.message}`;
    lines.set(d.line, { severity, messages: [...(known?.messages ?? []), message] });
  }
  return lines;
}
