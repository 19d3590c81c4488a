/**
 * The fake's scheduler reading SCHED_REQUIREMENTS as OpenNebula's does against each host:
 * `VAR = value`, `!=`, `>`, `<`, `@>` (a list attribute contains the value), joined with `&`, `|`,
 * `!` and parentheses. `=` and `!=` on strings are shell-style wildcards (`NAME = "aquila*"`); a
 * number compares as a number. An attribute the host does not have makes its comparison false.
 */

type Token = { kind: 'op' | 'word' | 'string'; text: string; at: number };

/** An expression the fake cannot read: the instantiate fails as OpenNebula's would. */
export class SchedSyntaxError extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(@>|!=|[=<>&|!()])|"((?:[^"\\]|\\.)*)"|([^\s=<>&|!()"@]+))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw new SchedSyntaxError(`syntax error at offset ${at} in '${text}'`);
    if (match[1]) tokens.push({ kind: 'op', text: match[1], at });
    else if (match[2] !== undefined)
      tokens.push({ kind: 'string', text: match[2].replace(/\\(.)/g, '$1'), at });
    else tokens.push({ kind: 'word', text: match[3]!, at });
    at = pattern.lastIndex;
  }
  return tokens;
}

function wildcard(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(value);
}

function compare(actual: string | undefined, op: string, expected: string): boolean {
  if (actual === undefined) return false;
  const a = Number(actual);
  const e = Number(expected);
  const numeric = actual.trim() !== '' && expected.trim() !== '' && Number.isFinite(a) && Number.isFinite(e);
  switch (op) {
    case '=':
      return numeric ? a === e : wildcard(expected, actual);
    case '!=':
      return numeric ? a !== e : !wildcard(expected, actual);
    case '>':
      return numeric && a > e;
    case '<':
      return numeric && a < e;
    default: // '@>'
      return actual.split(',').some((item) => wildcard(expected, item.trim()));
  }
}

/** True when `expression` holds for a host with `attributes`; throws SchedSyntaxError. */
export function hostMeets(expression: string, attributes: Readonly<Record<string, string>>): boolean {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    throw new SchedSyntaxError(`${what} at offset ${peek()?.at ?? expression.length} in '${expression}'`);
  };
  const or = (): boolean => {
    let value = and();
    while (peek()?.text === '|' && peek()?.kind === 'op') {
      i++;
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (peek()?.text === '&' && peek()?.kind === 'op') {
      i++;
      value = unary() && value;
    }
    return value;
  };
  const unary = (): boolean => {
    const token = peek() ?? fail('unexpected end');
    if (token.kind === 'op' && token.text === '!') {
      i++;
      return !unary();
    }
    if (token.kind === 'op' && token.text === '(') {
      i++;
      const value = or();
      if (peek()?.text !== ')') fail("expected ')'");
      i++;
      return value;
    }
    if (token.kind !== 'word') fail('expected an attribute name');
    i++;
    const op = peek();
    if (!op || op.kind !== 'op' || !['=', '!=', '>', '<', '@>'].includes(op.text))
      fail('expected a comparison');
    i++;
    const value = peek();
    if (!value || value.kind === 'op') fail('expected a value');
    i++;
    const key = Object.keys(attributes).find((k) => k.toUpperCase() === token.text.toUpperCase());
    return compare(key === undefined ? undefined : attributes[key], op!.text, value!.text);
  };
  const result = or();
  if (i < tokens.length) fail('unexpected text');
  return result;
}
