/**
 * OpenNebula's context files as one-context leaves them in a VM, read without a shell:
 *
 * - `context.sh` on the context CD-ROM (and the copies one-context keeps,
 *   /var/run/one-context/context.sh.{local,network}): a comment line, then one `NAME='value'` per
 *   CONTEXT attribute. oned writes every `'` of a value as `'\''` and writes newlines as they are,
 *   so a value may span lines. OpenNebula before 4.x wrote `NAME="value"`.
 * - `/var/run/one-context/one_env` (newer one-context): `export NAME="value"` lines, the value
 *   written raw between double quotes.
 *
 * Both are a small part of POSIX shell: assignments, an optional `export`, `#` comments, single
 * quotes (literal, across lines), double quotes (`\` escapes `"`, `\`, `$` and a backquote), and
 * unquoted words (`\` escapes the next character). Nothing is expanded: `$X` stays `$X`, as the
 * bootstrap wants the values OpenNebula sent, not what a shell would make of them. Pure.
 */

/** A context file that is not in the form one-context writes, with the line of the problem. */
export class ContextFileError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'ContextFileError';
  }
}

const nameStart = /[A-Za-z_]/;
const nameChar = /[A-Za-z0-9_]/;
const escapableInDoubleQuotes = new Set(['"', '\\', '$', '`']);

class ContextReader {
  private at = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private take(): string {
    const c = this.text[this.at++]!;
    if (c === '\n') this.line++;
    return c;
  }

  private fail(problem: string): never {
    throw new ContextFileError(this.line, problem);
  }

  /** Blanks, empty lines and comment lines before the next assignment. */
  private skipBetween(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';') this.take();
      else if (c === '#') while (this.peek() !== undefined && this.peek() !== '\n') this.take();
      else return;
    }
  }

  private name(): string {
    let name = '';
    if (!nameStart.test(this.peek() ?? '')) this.fail('expected a variable name');
    while (nameChar.test(this.peek() ?? '')) name += this.take();
    return name;
  }

  private singleQuoted(): string {
    const start = this.line;
    let out = '';
    this.take();
    while (this.peek() !== "'") {
      if (this.peek() === undefined) throw new ContextFileError(start, "a ' quote is never closed");
      out += this.take();
    }
    this.take();
    return out;
  }

  private doubleQuoted(): string {
    const start = this.line;
    let out = '';
    this.take();
    while (this.peek() !== '"') {
      if (this.peek() === undefined) throw new ContextFileError(start, 'a " quote is never closed');
      const c = this.take();
      const next = this.peek();
      if (c === '\\' && next !== undefined && (escapableInDoubleQuotes.has(next) || next === '\n')) {
        const escaped = this.take();
        if (escaped !== '\n') out += escaped; // backslash-newline joins the lines
      } else out += c;
    }
    this.take();
    return out;
  }

  /** The value after `=`: quoted and unquoted parts up to a blank or the end of the line. */
  private value(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '\n' || c === ' ' || c === '\t' || c === ';') return out;
      if (c === '\r' && (this.text[this.at + 1] === '\n' || this.text[this.at + 1] === undefined)) {
        this.take();
        return out;
      }
      if (c === "'") out += this.singleQuoted();
      else if (c === '"') out += this.doubleQuoted();
      else if (c === '\\') {
        this.take();
        if (this.peek() === undefined) this.fail('a \\ ends the file');
        const escaped = this.take();
        if (escaped !== '\n') out += escaped;
      } else out += this.take();
    }
  }

  /** `NAME=value` or `export NAME=value`. */
  private assignment(): [string, string] {
    let name = this.name();
    if (name === 'export' && (this.peek() === ' ' || this.peek() === '\t')) {
      while (this.peek() === ' ' || this.peek() === '\t') this.take();
      name = this.name();
    }
    if (this.peek() !== '=') this.fail(`expected '=' after ${name}`);
    this.take();
    return [name, this.value()];
  }

  read(): Map<string, string> {
    const values = new Map<string, string>();
    for (;;) {
      this.skipBetween();
      if (this.peek() === undefined) return values;
      const [name, value] = this.assignment();
      values.set(name, value);
    }
  }
}

/** The variables of a context file, by name (a repeated name keeps its last value). */
export function parseContextFile(text: string): Map<string, string> {
  return new ContextReader(text).read();
}

/**
 * A value as oned writes it into context.sh: `'...'` with each `'` as `'\''`. Tests and the fake
 * VM image use it to lay out a context file as OpenNebula does.
 */
export function quoteContextValue(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** A whole context.sh as oned writes it: a comment line, then the variables sorted by name. */
export function formatContextFile(values: Readonly<Record<string, string>>): string {
  const lines = Object.keys(values)
    .sort()
    .map((name) => `${name}=${quoteContextValue(values[name]!)}`);
  return `# Context variables generated by OpenNebula\n${lines.join('\n')}\n`;
}
