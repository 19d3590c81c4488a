/**
 * Rewrites a JSON-with-comments text to hold a new value while keeping everything the change does
 * not touch: comments, blank lines, key order, indentation. Only the values that differ are
 * replaced, removed members are cut out (with their line comment) and new ones are appended in the
 * file's own indentation. A text that does not parse is replaced by plainly formatted JSON.
 */
import { findMember, type JsonMember, type JsonNode } from './json-node';
import { parseJsonc } from './jsonc-parser';

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The text of `newValue`, written into `text` with the fewest changes. */
export function rewriteJsonc(text: string, newValue: unknown): string {
  const { root } = parseJsonc(text);
  const unit = indentUnit(text);
  if (!root) return `${JSON.stringify(newValue, null, unit)}\n`;
  const edits: Edit[] = [];
  new Rewriter(text, unit, edits).node(root, newValue);
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** The indentation step the file uses (the first indented line's), four spaces when none. */
function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '    ';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

class Rewriter {
  constructor(
    private readonly text: string,
    private readonly unit: string,
    private readonly edits: Edit[],
  ) {}

  node(node: JsonNode, value: unknown): void {
    if (node.kind === 'object' && isObject(value) && node.members.length > 0) this.object(node, value);
    else if (node.kind === 'array' && Array.isArray(value) && node.items.length > 0) this.array(node, value);
    else if (!sameValue(valueOfPlain(node), value)) this.replace(node, value);
  }

  private replace(node: JsonNode, value: unknown): void {
    this.edits.push({
      start: node.start,
      end: node.end,
      text: this.format(value, this.lineIndent(node.start)),
    });
  }

  private object(node: JsonNode & { kind: 'object' }, value: Record<string, unknown>): void {
    const kept: JsonMember[] = [];
    for (const member of node.members) {
      if (findMember(node, member.key) !== member) continue; // an earlier duplicate: JSON.parse ignores it
      if (Object.hasOwn(value, member.key)) {
        kept.push(member);
        this.node(member.value, value[member.key]);
      } else this.removeEntry(member.keySpan.start, member.value.end);
    }
    const last = node.members[node.members.length - 1]!;
    if (!kept.includes(last) && kept.length > 0)
      this.dropDanglingComma(kept[kept.length - 1]!.value, last.value);
    const added = Object.keys(value).filter((k) => !findMember(node, k) && value[k] !== undefined);
    if (added.length === 0) return;
    if (kept.length === 0) return this.replace(node, value);
    const indent = this.lineIndent(kept[kept.length - 1]!.keySpan.start);
    const texts = added.map((k) => `${JSON.stringify(k)}: ${this.format(value[k], indent)}`);
    this.append(kept[kept.length - 1]!.value, texts, indent);
  }

  private array(node: JsonNode & { kind: 'array' }, value: readonly unknown[]): void {
    const common = Math.min(node.items.length, value.length);
    if (common === 0) return this.replace(node, value);
    for (let i = 0; i < common; i++) this.node(node.items[i]!, value[i]);
    for (let i = common; i < node.items.length; i++)
      this.removeEntry(node.items[i]!.start, node.items[i]!.end);
    if (node.items.length > common)
      this.dropDanglingComma(node.items[common - 1]!, node.items[node.items.length - 1]!);
    if (value.length > common) {
      const last = node.items[common - 1]!;
      const indent = this.lineIndent(last.start);
      this.append(
        last,
        value.slice(common).map((v) => this.format(v, indent)),
        indent,
      );
    }
  }

  /** Cuts out the entry from `start` to `end` with its comma, its line comment and its line. */
  private removeEntry(start: number, end: number): void {
    const t = this.text;
    let to = skipSpaces(t, end);
    if (t[to] === ',') to = skipSpaces(t, to + 1);
    if (t.startsWith('//', to)) to = lineEnd(t, to);
    let from = start;
    const lineStart = t.lastIndexOf('\n', start - 1) + 1;
    if (/^[ \t]*$/.test(t.slice(lineStart, start)) && (t[to] === '\n' || to === t.length)) {
      from = lineStart;
      to = Math.min(to + 1, t.length);
    }
    this.edits.push({ start: from, end: to, text: '' });
  }

  /**
   * When the old last entry (without a trailing comma) was removed, the comma after the new last
   * one would be left trailing: remove it too, so the file stays plain JSON where it was.
   */
  private dropDanglingComma(lastKept: JsonNode, oldLast: JsonNode): void {
    if (this.text[skipTrivia(this.text, oldLast.end)] === ',') return;
    const comma = skipTrivia(this.text, lastKept.end);
    if (this.text[comma] === ',') this.edits.push({ start: comma, end: comma + 1, text: '' });
  }

  /** Adds entries after `last` (the last kept value), each on its own line at `indent`. */
  private append(last: JsonNode, texts: readonly string[], indent: string): void {
    const t = this.text;
    const afterComma = skipTrivia(t, last.end);
    const trailingComma = t[afterComma] === ',';
    let at = trailingComma ? afterComma + 1 : last.end;
    const rest = skipSpaces(t, at);
    if (t.startsWith('//', rest)) at = lineEnd(t, rest);
    const joined = texts.map((entry) => `\n${indent}${entry}`).join(',');
    if (trailingComma) return void this.edits.push({ start: at, end: at, text: `${joined},` });
    if (at === last.end) return void this.edits.push({ start: at, end: at, text: `,${joined}` });
    this.edits.push({ start: last.end, end: last.end, text: ',' }, { start: at, end: at, text: joined });
  }

  private lineIndent(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(this.text.slice(lineStart, offset))![0];
  }

  private format(value: unknown, indent: string): string {
    return JSON.stringify(value, null, this.unit).replace(/\n/g, `\n${indent}`);
  }
}

function valueOfPlain(node: JsonNode): unknown {
  if (node.kind === 'object')
    return Object.fromEntries(node.members.map((m) => [m.key, valueOfPlain(m.value)]));
  if (node.kind === 'array') return node.items.map(valueOfPlain);
  return node.value;
}

function skipSpaces(t: string, at: number): number {
  while (t[at] === ' ' || t[at] === '\t') at++;
  return at;
}

function lineEnd(t: string, at: number): number {
  const end = t.indexOf('\n', at);
  return end < 0 ? t.length : end;
}

/** Skips whitespace and comments (the file may have them anywhere). */
function skipTrivia(t: string, at: number): number {
  for (;;) {
    while (at < t.length && /\s/.test(t[at]!)) at++;
    if (t.startsWith('//', at)) at = lineEnd(t, at);
    else if (t.startsWith('/*', at))
      at = t.indexOf('*/', at + 2) < 0 ? t.length : t.indexOf('*/', at + 2) + 2;
    else return at;
  }
}
