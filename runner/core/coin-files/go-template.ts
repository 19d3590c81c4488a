/**
 * Coin's templates: the subset of Go's text/template that the real Qt Coin files use, parsed once
 * and rendered many times (planning renders every instruction of every configuration).
 *
 * The subset, taken from every `{{...}}` in the qt5/qtbase/qtsvg/qtdeclarative/qtshadertools files:
 * - fields `.SourceDir`, `.BuildDir`, `.InstallDir`, `.InstallRoot`, `.AgentWorkingDir`, `.NumCPU`,
 *   `.CoinDownloadURL`, and `.Env.NAME`;
 * - functions `ToUpper s`, `unixPathSeparators s`, `slice s i [j]`, `index .Env key`;
 * - variables `{{$v := pipeline}}` (prints nothing) and `$v` uses; `$v = pipeline` re-assigns;
 * - string literals ("..." with \" \\ \n \t \r escapes, or `raw`) and decimal integers;
 * - pipelines `{{.Env.X | ToUpper}}` and trim markers `{{- ` / ` -}}` (not used by the real files,
 *   but plain Go and cheap, so a file that starts using them keeps working).
 * Anything else (if/range/with/define/template/block, comments, parentheses, other functions,
 * fields of variables) is a CoinFileError naming the construct, before anything is rendered.
 *
 * Rules chosen where Go leaves a choice to the caller (Coin's own source is not public):
 * - A missing `.Env.NAME` renders empty, like Go's `missingkey=zero` on a map of strings, and so
 *   does `index .Env "NAME"` (Go's own rule for `index`). Names are case-sensitive.
 * - Types are known statically (every field is a string except `.NumCPU`, an int, and `.Env`, a
 *   map), so a wrong argument is reported when the template is parsed, not when it is rendered.
 * - `slice` follows Go: 0 <= i <= j <= len, else an error when rendered. Indexes count UTF-16
 *   code units rather than Go's bytes; the same for the ASCII branch names the files slice.
 * - A data field left undefined (e.g. `.SourceDir` while only the environment is known) is an
 *   error when rendered, never a silent empty string.
 * - `{{owner/repo}}` is an `!include` path that the loader resolves; rendering one is an error
 *   that says so.
 */
import { CoinFileError, type SourcePos } from './source-pos';

type Env = Readonly<Record<string, string | undefined>>;

/** What a template sees: Coin's directories, the CPU count, the download URL and the environment. */
export interface TemplateData {
  readonly SourceDir?: string;
  readonly BuildDir?: string;
  readonly InstallDir?: string;
  readonly InstallRoot?: string;
  readonly AgentWorkingDir?: string;
  readonly NumCPU?: number;
  readonly CoinDownloadURL?: string;
  readonly Env: Env;
}

/** A parsed template: render it as often as needed. */
export interface CompiledTemplate {
  readonly source: string;
  /** True when the text has no action, so rendering returns it unchanged. */
  readonly isStatic: boolean;
  render(data: TemplateData): string;
}

type Kind = 'string' | 'number' | 'env';
type Value = string | number | Env;
interface Scope {
  readonly data: TemplateData;
  readonly vars: Value[];
}
interface Operand {
  readonly kind: Kind;
  readonly evaluate: (scope: Scope) => Value;
}
type Piece = string | ((scope: Scope) => string);
interface Core {
  readonly pieces: readonly Piece[];
  readonly varCount: number;
}
/** Variables seen so far; a re-declared name gets a new slot. */
interface VarTable {
  readonly byName: Map<string, { index: number; kind: Kind }>;
  count: number;
}
interface ParseContext {
  readonly vars: VarTable;
  readonly source: string;
}

/** A problem without a position yet; the public functions turn it into a CoinFileError. */
class TemplateProblem extends Error {}

function fail(problem: string): never {
  throw new TemplateProblem(problem);
}

const stringFields = 'SourceDir BuildDir InstallDir InstallRoot AgentWorkingDir CoinDownloadURL'.split(' ');
const fieldNames = [...stringFields, 'NumCPU', 'Env'];
const controlKeywords = 'if else end range with define template block break continue'.split(' ');
const constants = ['true', 'false', 'nil'];
const includePath = /^[\w.-]+\/[\w.-]+$/;

interface TemplateFunction {
  readonly params: readonly Kind[];
  readonly optional: number;
  readonly call: (args: Value[], source: string) => string;
}

function sliceString(args: Value[], source: string): string {
  const [text, from, to] = args as [string, number, number | undefined];
  const end = to ?? text.length;
  if (from < 0 || end < from || end > text.length) {
    const range = to === undefined ? `${from}` : `${from} ${to}`;
    fail(`slice ${range} is out of range for "${text}" (length ${text.length}) in ${source}`);
  }
  return text.slice(from, end);
}

function lookupEnv(env: Env, name: string): string {
  return Object.hasOwn(env, name) ? (env[name] ?? '') : '';
}

const functions: Readonly<Record<string, TemplateFunction>> = {
  ToUpper: { params: ['string'], optional: 0, call: ([s]) => (s as string).toUpperCase() },
  index: {
    params: ['env', 'string'],
    optional: 0,
    call: ([env, key]) => lookupEnv(env as Env, key as string),
  },
  slice: { params: ['string', 'number', 'number'], optional: 1, call: sliceString },
  unixPathSeparators: { params: ['string'], optional: 0, call: ([s]) => (s as string).replaceAll('\\', '/') },
};
const functionList = Object.keys(functions).sort().join(', ');

type Token =
  | { readonly t: 'field'; readonly path: readonly string[]; readonly text: string }
  | { readonly t: 'var' | 'ident'; readonly name: string; readonly text: string }
  | { readonly t: 'declare' | 'assign' | 'pipe'; readonly text: string }
  | {
      readonly t: 'literal';
      readonly kind: 'string' | 'number';
      readonly value: string | number;
      readonly text: string;
    };

const tokenPattern =
  /\s*(?:(?<field>(?:\.[A-Za-z_]\w*)+)|\$(?<var>\w*)|(?<declare>:=)|(?<assign>=)|(?<pipe>\|)|(?<str>"(?:[^"\\]|\\.)*")|(?<raw>`[^`]*`)|(?<num>-?\d[\w.]*)|(?<ident>[A-Za-z_]\w*)|(?<other>\S))/y;

const escapes: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };

function unquote(literal: string, source: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, (_all, c: string) => {
    return escapes[c] ?? fail(`unsupported escape \\${c} in a string literal in ${source}`);
  });
}

function tokenOf(groups: Record<string, string | undefined>, text: string, source: string): Token {
  const { field, declare, assign, pipe, str, raw, num, ident, other } = groups;
  if (field !== undefined) return { t: 'field', path: field.slice(1).split('.'), text };
  if (groups.var !== undefined) return { t: 'var', name: groups.var, text };
  if (declare ?? assign ?? pipe) return { t: declare ? 'declare' : assign ? 'assign' : 'pipe', text };
  if (str !== undefined) return { t: 'literal', kind: 'string', value: unquote(str, source), text };
  if (raw !== undefined) return { t: 'literal', kind: 'string', value: raw.slice(1, -1), text };
  if (num !== undefined) {
    if (!/^-?\d+$/.test(num)) fail(`unsupported number '${num}' in ${source} (only decimal integers)`);
    return { t: 'literal', kind: 'number', value: Number(num), text };
  }
  if (ident !== undefined) return { t: 'ident', name: ident, text };
  const what = other === '(' || other === ')' ? 'parenthesized pipeline' : 'syntax';
  return fail(`unsupported template ${what} '${other}' in ${source}`);
}

function lexAction(content: string, source: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < content.length) {
    const match = tokenPattern.exec(content);
    if (!match?.groups) break; // only trailing white space is left
    const token = tokenOf(match.groups, match[0].trim(), source);
    if (token.t === 'var' && content[tokenPattern.lastIndex] === '.') {
      fail(`unsupported template field access on variable ${token.text} in ${source}`);
    }
    tokens.push(token);
  }
  return tokens;
}

function compileField(path: readonly string[], text: string, source: string): Operand {
  const [name, ...rest] = path as [string, ...string[]];
  if (!fieldNames.includes(name))
    fail(`unknown template field .${name} in ${source} (known: .${fieldNames.join(', .')})`);
  if (name === 'Env') {
    if (rest.length === 0) return { kind: 'env', evaluate: (s) => s.data.Env };
    if (rest.length > 1) fail(`${text} in ${source}: an environment value has no fields`);
    const key = rest[0]!;
    return { kind: 'string', evaluate: (s) => lookupEnv(s.data.Env, key) };
  }
  if (rest.length > 0) fail(`${text} in ${source}: .${name} has no field .${rest[0]}`);
  const kind = name === 'NumCPU' ? 'number' : 'string';
  const evaluate = (s: Scope): Value => {
    const value = s.data[name as keyof TemplateData] as string | number | undefined;
    return value ?? fail(`template field .${name} has no value here, in ${source}`);
  };
  return { kind, evaluate };
}

function compileOperand(token: Token, ctx: ParseContext): Operand {
  switch (token.t) {
    case 'field':
      return compileField(token.path, token.text, ctx.source);
    case 'var': {
      if (token.name === '') fail(`unsupported template variable $ (the root data) in ${ctx.source}`);
      const slot =
        ctx.vars.byName.get(token.name) ?? fail(`undefined variable ${token.text} in ${ctx.source}`);
      return { kind: slot.kind, evaluate: (s) => s.vars[slot.index]! };
    }
    case 'literal': {
      const value = token.value;
      return { kind: token.kind, evaluate: () => value };
    }
    case 'ident':
      return fail(
        `function ${token.name} used as an argument in ${ctx.source} (parenthesized calls are not supported)`,
      );
    default:
      return fail(`unexpected '${token.text}' in ${ctx.source}`);
  }
}

function checkArguments(name: string, fn: TemplateFunction, args: readonly Operand[], source: string): void {
  const min = fn.params.length - fn.optional;
  const fits =
    args.length >= min && args.length <= fn.params.length && args.every((a, i) => a.kind === fn.params[i]);
  if (!fits) {
    const wanted = fn.params.map((k, i) => (i >= min ? `[${k}]` : k)).join(' ');
    fail(
      `wrong arguments for ${name} in ${source}: expected ${wanted}, got ${args.map((a) => a.kind).join(' ') || 'none'}`,
    );
  }
}

function functionNamed(name: string, source: string): TemplateFunction {
  if (controlKeywords.includes(name)) fail(`unsupported template action '${name}' in ${source}`);
  if (constants.includes(name)) fail(`unsupported template constant '${name}' in ${source}`);
  if (!Object.hasOwn(functions, name))
    fail(`unsupported template function '${name}' in ${source} (supported: ${functionList})`);
  return functions[name]!;
}

function compileCall(name: string, args: Operand[], source: string): Operand {
  const fn = functionNamed(name, source);
  checkArguments(name, fn, args, source);
  return {
    kind: 'string',
    evaluate: (s) =>
      fn.call(
        args.map((a) => a.evaluate(s)),
        source,
      ),
  };
}

function compileCommand(tokens: readonly Token[], piped: Operand | undefined, ctx: ParseContext): Operand {
  const [head, ...rest] = tokens;
  if (!head) return fail(`missing command in pipeline ${ctx.source}`);
  if (head.t === 'ident') {
    functionNamed(head.name, ctx.source); // name the unknown function before its arguments
    const args = rest.map((t) => compileOperand(t, ctx));
    return compileCall(head.name, piped ? [...args, piped] : args, ctx.source);
  }
  if (rest.length > 0 || piped) fail(`can't give argument to non-function ${head.text} in ${ctx.source}`);
  return compileOperand(head, ctx);
}

function compilePipeline(tokens: readonly Token[], ctx: ParseContext): Operand {
  const commands: Token[][] = [[]];
  for (const token of tokens) {
    if (token.t === 'pipe') commands.push([]);
    else commands[commands.length - 1]!.push(token);
  }
  let result: Operand | undefined;
  for (const command of commands) result = compileCommand(command, result, ctx);
  return result!;
}

function compileAssignment(tokens: readonly Token[], ctx: ParseContext): Piece {
  const [target, op] = tokens as [Token & { name: string }, Token];
  const value = compilePipeline(tokens.slice(2), ctx);
  let slot = ctx.vars.byName.get(target.name);
  if (op.t === 'assign' && !slot) fail(`undefined variable ${target.text} in ${ctx.source}`);
  if (op.t === 'declare' || slot!.kind !== value.kind) {
    slot = { index: ctx.vars.count++, kind: value.kind };
    ctx.vars.byName.set(target.name, slot); // declared after its own pipeline, as in Go
  }
  const index = slot!.index;
  return (s) => {
    s.vars[index] = value.evaluate(s);
    return '';
  };
}

function compileAction(content: string, source: string, vars: VarTable): Piece {
  const ctx: ParseContext = { vars, source };
  if (content.startsWith('/*')) fail(`unsupported template comment ${source}`);
  if (content === '') fail(`empty template action ${source}`);
  if (includePath.test(content)) fail(`${source} is an !include path, not a template`);
  const tokens = lexAction(content, source);
  const [first, second] = tokens;
  if (first?.t === 'var' && (second?.t === 'declare' || second?.t === 'assign')) {
    return compileAssignment(tokens, ctx);
  }
  const value = compilePipeline(tokens, ctx);
  if (value.kind === 'env')
    fail(`cannot print the map .Env in ${source}; use .Env.NAME or index .Env "NAME"`);
  return (s) => String(value.evaluate(s));
}

/** Where the `}}` closing an action whose text starts at `from` is, skipping string literals; -1 if none. */
export function actionEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '`') {
      i = text.indexOf('`', i + 1);
      if (i < 0) return -1;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

function compileCore(text: string): Core {
  const pieces: Piece[] = [];
  const vars: VarTable = { byName: new Map(), count: 0 };
  let at = 0;
  let trimNext = false;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', at)) {
    const close = actionEnd(text, open + 2);
    const source = text.slice(open, close < 0 ? undefined : close + 2);
    if (close < 0)
      fail(`unclosed template action ${source.length > 60 ? `${source.slice(0, 60)}...` : source}`);
    let inner = text.slice(open + 2, close);
    const trimLeft = /^-\s/.test(inner);
    const trimRight = /\s-$/.test(inner);
    inner = inner.slice(trimLeft ? 1 : 0, trimRight ? -1 : undefined);
    pushText(pieces, text.slice(at, open), trimNext, trimLeft);
    pieces.push(compileAction(inner.trim(), source, vars));
    trimNext = trimRight;
    at = close + 2;
  }
  pushText(pieces, text.slice(at), trimNext, false);
  return { pieces, varCount: vars.count };
}

function pushText(pieces: Piece[], text: string, trimStart: boolean, trimEnd: boolean): void {
  const trimmed = trimStart ? (trimEnd ? text.trim() : text.trimStart()) : trimEnd ? text.trimEnd() : text;
  if (trimmed !== '') pieces.push(trimmed);
}

function withPos<T>(pos: SourcePos | undefined, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TemplateProblem) throw new CoinFileError(pos, error.message);
    throw error;
  }
}

const cacheLimit = 10_000;
const cache = new Map<string, Core>();

function coreOf(text: string, pos: SourcePos | undefined): Core {
  let core = cache.get(text);
  if (!core) {
    core = withPos(pos, () => compileCore(text));
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(text, core);
  }
  return core;
}

function run(core: Core, data: TemplateData, pos: SourcePos | undefined): string {
  if (core.pieces.length === 1 && typeof core.pieces[0] === 'string') return core.pieces[0];
  const scope: Scope = { data, vars: new Array<Value>(core.varCount) };
  return withPos(pos, () => {
    let out = '';
    for (const piece of core.pieces) out += typeof piece === 'string' ? piece : piece(scope);
    return out;
  });
}

/** Parse a template once (errors at `pos`); the result renders it against any data. */
export function parseTemplate(text: string, pos?: SourcePos): CompiledTemplate {
  const core = coreOf(text, pos);
  const isStatic = core.pieces.every((p) => typeof p === 'string');
  return { source: text, isStatic, render: (data) => run(core, data, pos) };
}

/** Render a template (parsed texts are cached, so repeated renders of one text parse once). */
export function renderTemplate(text: string, data: TemplateData, pos?: SourcePos): string {
  if (!text.includes('{{')) return text;
  return run(coreOf(text, pos), data, pos);
}
