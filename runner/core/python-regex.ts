/**
 * Python `re` patterns, as Coin's instruction files write them (ParseEnvironmentVariableFromFile,
 * InstallBinaryArchive `regex`), turned into JavaScript regular expressions.
 *
 * What differs and is translated: named groups `(?P<NAME>...)` become `(?<NAME>...)`, named
 * back-references `(?P=NAME)` become `\k<NAME>`, `\A` / `\Z` (start / very end of the text) become
 * `^` / `$(?![\s\S])` (only when no `m` flag changes what `^` means), and leading inline flags
 * `(?ims)` become RegExp flags (`a`, `L`, `u` change nothing here and are dropped). Verbose mode
 * `(?x)` and conditionals `(?(1)...)` have no JavaScript equivalent and are errors. Matching is a
 * search, as Python's `re.search` (not anchored), without the `u` flag (Python's `str` patterns
 * treat `\d` etc. as ASCII-compatible enough for the files these read).
 */

/** A pattern that cannot be used, with the reason in words. */
export class PythonRegexError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`regex "${pattern}" cannot be used: ${reason}`);
    this.name = 'PythonRegexError';
  }
}

const leadingFlags = /^\(\?([aiLmsux]+)\)/;

function takeFlags(pattern: string): { body: string; flags: string } {
  const match = leadingFlags.exec(pattern);
  if (!match) return { body: pattern, flags: '' };
  const letters = match[1]!;
  if (letters.includes('x')) throw new PythonRegexError(pattern, 'verbose mode (?x) is not supported');
  const flags = [...new Set(letters)].filter((c) => 'ims'.includes(c)).join('');
  return { body: pattern.slice(match[0].length), flags };
}

/** Copy a character class `[...]` starting at `at` unchanged; returns where reading goes on. */
function skipClass(body: string, at: number): number {
  let i = at + 1;
  if (body[i] === '^') i++;
  if (body[i] === ']') i++; // a leading ] is literal in Python
  for (; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === ']') return i + 1;
  }
  return body.length;
}

function translateEscape(next: string | undefined, multiline: boolean): string | undefined {
  if (multiline) return undefined;
  if (next === 'A') return '^';
  if (next === 'Z') return '$(?![\\s\\S])';
  return undefined;
}

function translateBody(pattern: string, body: string, multiline: boolean, names: string[]): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '\\') {
      out += translateEscape(body[i + 1], multiline) ?? body.slice(i, i + 2);
      i += 2;
    } else if (c === '[') {
      const end = skipClass(body, i);
      out += body.slice(i, end);
      i = end;
    } else if (body.startsWith('(?P<', i)) {
      const close = body.indexOf('>', i);
      if (close < 0) throw new PythonRegexError(pattern, 'unterminated (?P<name>');
      names.push(body.slice(i + 4, close));
      out += '(?<';
      i += 4;
    } else if (body.startsWith('(?P=', i)) {
      const close = body.indexOf(')', i);
      if (close < 0) throw new PythonRegexError(pattern, 'unterminated (?P=name)');
      out += `\\k<${body.slice(i + 4, close)}>`;
      i = close + 1;
    } else if (body.startsWith('(?(', i)) {
      throw new PythonRegexError(pattern, 'conditional groups (?(...)...) are not supported');
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A translated pattern and the names of its named groups, in order. */
export interface TranslatedRegex {
  readonly regex: RegExp;
  readonly groupNames: readonly string[];
}

/** The JavaScript RegExp for a Python pattern; throws PythonRegexError when it cannot be one. */
export function pythonRegex(pattern: string): TranslatedRegex {
  const { body, flags } = takeFlags(pattern);
  const groupNames: string[] = [];
  const source = translateBody(pattern, body, flags.includes('m'), groupNames);
  try {
    return { regex: new RegExp(source, flags), groupNames };
  } catch (error) {
    throw new PythonRegexError(pattern, (error as Error).message);
  }
}
