/**
 * A JSON parser that keeps positions and accepts what people write in a hand-edited file:
 * `//` and `/* *\/` comments and trailing commas (as VS Code's settings.json). It reports mistakes
 * with line and column and goes on after the common ones (`#` comments, a missing comma, Python's
 * True/False/None, single quotes, unquoted keys, duplicate keys) so one pass names all of them.
 * It refuses, before building anything, a text over `maxConfigChars`, nesting deeper than
 * `maxConfigDepth` and `__proto__` keys.
 */
import { LineIndex, type JsonMember, type JsonNode } from './json-node';

/** The largest configuration text accepted (1 MiB); a real one is a few hundred bytes. */
export const maxConfigChars = 1024 * 1024;

/** The deepest nesting accepted; the schema itself needs 5 levels. */
export const maxConfigDepth = 64;

/** One syntax problem: where (0-based offsets, 1-based line/column) and what to do. */
export interface SyntaxProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** The tree (undefined when the text could not be read to its end) and every problem found. */
export interface JsoncParseResult {
  readonly root: JsonNode | undefined;
  readonly problems: readonly SyntaxProblem[];
}

class Fatal extends Error {}

/** The problem of a text or file over the limit (`size` in characters or bytes). */
export function tooLargeMessage(size: number): string {
  return `the file is ${(size / 1024 / 1024).toFixed(1)} MiB: a runtime configuration may have at most 1 MiB`;
}

const valueStart = /[[{"'\-0-9tfnTFN]/;
const pythonLiterals: Readonly<Record<string, { kind: 'boolean' | 'null'; json: string }>> = {
  True: { kind: 'boolean', json: 'true' },
  False: { kind: 'boolean', json: 'false' },
  None: { kind: 'null', json: 'null' },
};
const escapes: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Parse a JSON-with-comments text; never throws. */
export function parseJsonc(text: string): JsoncParseResult {
  const parser = new Parser(text);
  return parser.run();
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly problems: SyntaxProblem[] = [];
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text.length > maxConfigChars ? '' : text);
  }

  run(): JsoncParseResult {
    if (this.text.length > maxConfigChars) {
      this.problems.push({
        message: tooLargeMessage(this.text.length),
        start: 0,
        end: 0,
        line: 1,
        column: 1,
      });
      return { root: undefined, problems: this.problems };
    }
    try {
      this.trivia();
      if (this.pos >= this.text.length)
        this.fail('the file is empty: a runtime configuration is an object, at least {}');
      const root = this.value();
      this.trivia();
      if (this.pos < this.text.length)
        this.fail(
          `unexpected ${this.found()} after the end of the configuration (it ended at the '}' before)`,
        );
      return { root, problems: this.problems };
    } catch (error) {
      if (!(error instanceof Fatal)) throw error;
      return { root: undefined, problems: this.problems };
    }
  }

  private report(message: string, start: number, end = start + 1): void {
    const { line, column } = this.lines.at(start);
    this.problems.push({ message, start, end: Math.min(end, this.text.length), line, column });
  }

  private fail(message: string, at = this.pos): never {
    this.report(message, at);
    throw new Fatal(message);
  }

  private where(offset: number): string {
    const { line, column } = this.lines.at(offset);
    return `line ${line} column ${column}`;
  }

  private found(): string {
    if (this.pos >= this.text.length) return 'end of the file';
    const word = /^[\w$.+-]+/.exec(this.text.slice(this.pos, this.pos + 40))?.[0];
    return word ? `'${word}'` : `'${this.text[this.pos]}'`;
  }

  /** Skips whitespace and comments; a `#` comment is reported and skipped like a `//` one. */
  private trivia(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF') this.pos++;
      else if (c === '/' && t[this.pos + 1] === '/') this.skipLine();
      else if (c === '/' && t[this.pos + 1] === '*') this.skipBlockComment();
      else if (c === '#') {
        this.report("'#' comments are not JSON: use // for a comment", this.pos);
        this.skipLine();
      } else return;
    }
  }

  private skipLine(): void {
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end < 0 ? this.text.length : end + 1;
  }

  private skipBlockComment(): void {
    const end = this.text.indexOf('*/', this.pos + 2);
    if (end < 0) this.fail("the comment started here is not closed: add '*/'");
    this.pos = end + 2;
  }

  private value(): JsonNode {
    const c = this.text[this.pos];
    if (c === '{' || c === '[') return this.nested(c);
    if (c === '"' || c === "'") return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (c !== undefined && /[A-Za-z_]/.test(c)) return this.word();
    if (c === undefined) this.fail('the file ends where a value is expected');
    return this.fail(
      `unexpected ${this.found()}: expected a value (a "string", a number, true, false, null, {...} or [...])`,
    );
  }

  private nested(open: '{' | '['): JsonNode {
    if (++this.depth > maxConfigDepth)
      this.fail(`nesting deeper than ${maxConfigDepth} levels is not accepted`);
    const node = open === '{' ? this.object() : this.array();
    this.depth--;
    return node;
  }

  private word(): JsonNode {
    const start = this.pos;
    const word = /^[A-Za-z_][\w]*/.exec(this.text.slice(start, start + 64))![0];
    this.pos += word.length;
    if (word === 'true' || word === 'false')
      return { kind: 'boolean', value: word === 'true', start, end: this.pos };
    if (word === 'null') return { kind: 'null', value: null, start, end: this.pos };
    const python = pythonLiterals[word];
    if (!python) {
      this.pos = start;
      return this.fail(`unexpected '${word}': text values are written in double quotes ("${word}")`);
    }
    this.report(`'${word}' is Python, not JSON: write ${python.json}`, start, this.pos);
    if (python.kind === 'null') return { kind: 'null', value: null, start, end: this.pos };
    return { kind: 'boolean', value: word === 'True', start, end: this.pos };
  }

  private peekKey(): string {
    const quote = this.text[this.pos]!;
    const end = this.text.indexOf(quote, this.pos + 1);
    const raw = this.text.slice(this.pos, end < 0 ? this.pos + 1 : end + 1);
    return raw.length > 42 ? `${raw.slice(0, 40)}...` : raw;
  }

  private number(): JsonNode {
    const start = this.pos;
    const raw = /^-?(?:[0-9A-Za-z.]|(?<=[eE])[+-])*/.exec(this.text.slice(start, start + 400))![0];
    const strict = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(raw)?.[0];
    if (!strict || strict !== raw) {
      this.fail(`'${raw}' is not a JSON number (examples: 1800, 0, 2.5, -1)`);
    }
    this.pos += strict.length;
    return { kind: 'number', value: Number(strict), start, end: this.pos };
  }

  private string(): JsonNode & { kind: 'string' } {
    const start = this.pos;
    const quote = this.text[this.pos]!;
    if (quote === "'")
      this.report('strings and keys are written in double quotes (") in JSON, not single quotes', start);
    let out = '';
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === '\n')
        this.fail(`the string started at ${this.where(start)} is not closed`, start);
      if (c === quote) break;
      if (c === '\\') out += this.escape();
      else if (c < ' ') this.fail('a control character inside a string must be escaped (\\t, \\n, \\u0001)');
      else {
        out += c;
        this.pos++;
      }
    }
    this.pos++;
    return { kind: 'string', value: out, start, end: this.pos };
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    if (c === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u must be followed by four hex digits');
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const replacement = c === undefined ? undefined : (escapes[c] ?? (c === "'" ? "'" : undefined));
    if (replacement === undefined)
      this.fail(
        `'\\${c ?? ''}' is not a JSON escape: in a regular expression write the backslash twice (\\\\${c ?? ''})`,
      );
    this.pos += 2;
    return replacement;
  }

  private key(): { key: string; start: number; end: number } | undefined {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") {
      const node = this.string();
      return { key: node.value, start: node.start, end: node.end };
    }
    const bare = /^[A-Za-z_$][\w$.-]*/.exec(this.text.slice(this.pos, this.pos + 200))?.[0];
    if (!bare) return undefined;
    const start = this.pos;
    this.pos += bare.length;
    this.report(`keys are written in double quotes: "${bare}"`, start, this.pos);
    return { key: bare, start, end: this.pos };
  }

  private object(): JsonNode {
    const start = this.pos++;
    const members: JsonMember[] = [];
    const seen = new Map<string, number>();
    this.trivia();
    while (this.text[this.pos] !== '}') {
      const key = this.key();
      if (!key)
        this.fail(
          `expected a key in double quotes or '}' in the object opened at ${this.where(start)}, found ${this.found()}`,
        );
      this.trivia();
      if (this.text[this.pos] !== ':')
        this.fail(`expected ':' after the key "${key.key}", found ${this.found()}`);
      this.pos++;
      this.trivia();
      const value = this.value();
      this.checkKey(key, seen);
      if (key.key !== '__proto__')
        members.push({ key: key.key, keySpan: { start: key.start, end: key.end }, value });
      if (!this.separator('}', start, () => `the "${key.key}" ${kindName(value)}`)) break;
    }
    this.pos++;
    return { kind: 'object', members, start, end: this.pos };
  }

  private checkKey(key: { key: string; start: number; end: number }, seen: Map<string, number>): void {
    if (key.key === '__proto__') {
      this.report(
        'the key "__proto__" is not accepted (it could change how objects behave)',
        key.start,
        key.end,
      );
      return;
    }
    const first = seen.get(key.key);
    if (first !== undefined)
      this.report(
        `the key "${key.key}" appears twice (first at ${this.where(first)}): keep one`,
        key.start,
        key.end,
      );
    else seen.set(key.key, key.start);
  }

  private array(): JsonNode {
    const start = this.pos++;
    const items: JsonNode[] = [];
    this.trivia();
    while (this.text[this.pos] !== ']') {
      const item = this.value();
      items.push(item);
      if (!this.separator(']', start, () => describeItem(item, this.text))) break;
    }
    this.pos++;
    return { kind: 'array', items, start, end: this.pos };
  }

  /**
   * After a member or item: a comma (a trailing one before the closing bracket is fine), the
   * closing bracket (returns false), or — reported and then assumed — a missing comma.
   */
  private separator(close: '}' | ']', openedAt: number, previous: () => string): boolean {
    const afterValue = this.pos;
    this.trivia();
    const c = this.text[this.pos];
    if (c === ',') {
      this.pos++;
      this.trivia();
      return this.text[this.pos] !== close;
    }
    if (c === close) return false;
    const what = close === '}' ? 'object' : 'list';
    if (c === undefined)
      this.fail(`the ${what} opened at ${this.where(openedAt)} is not closed: expected ',' or '${close}'`);
    const nextIsEntry = close === '}' ? c === '"' || c === "'" : valueStart.test(c);
    if (!nextIsEntry) this.fail(`expected ',' or '${close}' after ${previous()}, found ${this.found()}`);
    const next = close === '}' ? ` (before ${this.peekKey()} on line ${this.lines.at(this.pos).line})` : '';
    this.report(`missing ',' after ${previous()}${next}`, afterValue);
    return true;
  }
}

function kindName(node: JsonNode): string {
  if (node.kind === 'object') return 'object';
  if (node.kind === 'array') return 'list';
  return 'value';
}

function describeItem(node: JsonNode, text: string): string {
  if (node.kind === 'object' || node.kind === 'array') return `the ${kindName(node)} ending here`;
  const raw = text.slice(node.start, node.end);
  return `${raw.length > 40 ? `${raw.slice(0, 40)}...` : raw} in the list`;
}
