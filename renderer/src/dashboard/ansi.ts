/**
 * ANSI colour sequences (SGR: `ESC [ ... m`) in log lines, turned into styled segments; every
 * other escape sequence is dropped. Colours 0-15 become class names (themeable), 256-colour and
 * true colour become rgb() values.
 */

/** The style in effect for a run of text. */
export interface AnsiStyle {
  /** 0-15 (a class) or an rgb() string. */
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

/** A run of text with one style. */
export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

// CSI sequences (ESC [ params final), OSC (ESC ] ... BEL or ESC \), and two-character escapes.
// eslint-disable-next-line no-control-regex -- escape sequences are made of control characters
const escapes = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]/g;

function cube(n: number): string {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
}

/** An extended colour (38/48;5;n or 38/48;2;r;g;b) starting at codes[at]; returns it and the codes used. */
function extendedColour(codes: number[], at: number): [number | string | undefined, number] {
  if (codes[at + 1] === 5) {
    const n = codes[at + 2] ?? 0;
    return [n < 16 ? n : cube(Math.min(n, 255)), 3];
  }
  if (codes[at + 1] === 2)
    return [`rgb(${codes[at + 2] ?? 0}, ${codes[at + 3] ?? 0}, ${codes[at + 4] ?? 0})`, 5];
  return [undefined, 1];
}

/** The style after applying one SGR parameter list. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => Number(p) || 0);
  let next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) next = {};
    else if (c === 1) next.bold = true;
    else if (c === 2) next.dim = true;
    else if (c === 3) next.italic = true;
    else if (c === 4) next.underline = true;
    else if (c === 22) next.bold = next.dim = false;
    else if (c === 23) next.italic = false;
    else if (c === 24) next.underline = false;
    else if (c >= 30 && c <= 37) next.fg = c - 30;
    else if (c >= 90 && c <= 97) next.fg = c - 90 + 8;
    else if (c === 39) delete next.fg;
    else if (c >= 40 && c <= 47) next.bg = c - 40;
    else if (c >= 100 && c <= 107) next.bg = c - 100 + 8;
    else if (c === 49) delete next.bg;
    else if (c === 38 || c === 48) {
      const [colour, used] = extendedColour(codes, i);
      if (colour !== undefined) next[c === 38 ? 'fg' : 'bg'] = colour;
      i += used - 1;
    }
  }
  return next;
}

/** Split a line into styled segments, starting from `initial` (styles carry across lines). */
export function parseAnsi(
  line: string,
  initial: AnsiStyle = {},
): { segments: AnsiSegment[]; end: AnsiStyle } {
  const segments: AnsiSegment[] = [];
  let style = initial;
  let at = 0;
  const push = (text: string) => {
    if (text) segments.push({ text, style });
  };
  for (const match of line.matchAll(escapes)) {
    push(line.slice(at, match.index));
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
    at = match.index + match[0].length;
  }
  push(line.slice(at));
  return { segments, end: style };
}

/** The line without any escape sequence (for search and copy). */
export function stripAnsi(line: string): string {
  return line.replace(escapes, '');
}
