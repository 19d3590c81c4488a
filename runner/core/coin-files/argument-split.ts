/**
 * How an ExecuteCommand's `command` becomes an argv (no shell is involved).
 *
 * Readings of the real files (Coin's source is not public):
 * - `executeCommandArgumentSplitingBehavior: SplitAfterVariableSubstitution` (the misspelling is
 *   real) renders the whole command string first and then splits the result into words, so a
 *   variable holding several arguments (`{{.Env.COIN_CMAKE_ARGS}}` = `-G Ninja -DX=1`) becomes
 *   several arguments and quotes inside it group words (`-device-option "DISTRO_OPTS=a b"`).
 * - Without the field (the default, used by about half of the real string commands, such as
 *   `"{{.Env.ENV_PREFIX}} cmake --build . --parallel -v"`), the name says what happens: the
 *   command text is split *before* substitution and each word is rendered on its own, so a
 *   rendered value is one argument whatever it contains. `{{...}}` actions are never split
 *   (`{{ slice .Env.X 5 }}` is one piece of a word). An unquoted word that renders empty is
 *   dropped (`ENV_PREFIX` is "" on Linux hosts and the command must still start with cmake);
 *   a quoted empty word (`""`) stays an empty argument. Words are rendered separately, so a
 *   `$variable` declared in one word is unknown in the next (no real command does that). The one
 *   real file where the mode matters is qtbase `call_cmake.yaml`: without the field its
 *   `{{.Env.COIN_CMAKE_ARGS}}` stays a single argument, while `call_host_cmake.yaml` splits it.
 * - A command given as a list is an argv already: each element is rendered, never split, and
 *   kept even when empty; the field changes nothing for lists.
 *
 * Word splitting rules (a POSIX shell's word splitting without expansion, except backslashes,
 * which follow the Windows rule because real commands hold Windows paths such as
 * `{{.InstallDir}}\bin\qt-cmake`, `c:\users\qt\prefix.bat`, `\\server\share`):
 * - Space, tab, CR and LF outside quotes separate words; runs of them count as one.
 * - `"..."` groups, and the quotes are removed; a quoted part may sit inside a word
 *   (`-DCMAKE_OSX_ARCHITECTURES="x86_64;arm64"` -> `-DCMAKE_OSX_ARCHITECTURES=x86_64;arm64`).
 * - `'...'` groups literally (no escapes inside), outside double quotes; the quotes are removed.
 * - A backslash is literal unless a run of backslashes ends at a `"`: then 2n backslashes give n
 *   backslashes and the quote opens/closes, 2n+1 give n backslashes and a literal `"`. Inside
 *   single quotes backslashes are always literal.
 * - An unterminated quote is an error.
 */
import { actionEnd } from './go-template';
import { CoinFileError, type SourcePos } from './source-pos';

/** The only value of `executeCommandArgumentSplitingBehavior` the real files use. */
export type ArgumentSplitting = 'SplitAfterVariableSubstitution';

interface Word {
  text: string;
  quoted: boolean;
}

class SplitProblem extends Error {}

/** A run of backslashes at `at`: what it adds to the word and where reading goes on. */
function backslashRun(text: string, at: number): { add: string; next: number } {
  let end = at;
  while (text[end] === '\\') end++;
  const count = end - at;
  if (text[end] !== '"') return { add: '\\'.repeat(count), next: end };
  const half = '\\'.repeat(Math.floor(count / 2));
  // Odd: the quote is escaped and literal. Even: the quote is read next, as a delimiter.
  return count % 2 === 1 ? { add: `${half}"`, next: end + 1 } : { add: half, next: end };
}

/** Where the template action starting at `at` (`{{`) ends, just past `}}`; the rest if unclosed. */
function actionStop(text: string, at: number): number {
  const close = actionEnd(text, at + 2);
  return close < 0 ? text.length : close + 2;
}

interface SplitState {
  readonly words: Word[];
  word: Word | null;
  quote: '"' | "'" | null;
}

function add(state: SplitState, part: string, quoted = false): void {
  state.word ??= { text: '', quoted: false };
  state.word.text += part;
  state.word.quoted ||= quoted;
}

/** Reads the character at `i` (with the ones it belongs with); returns where reading goes on. */
function step(state: SplitState, text: string, i: number, keepActions: boolean): number {
  const c = text[i]!;
  if (keepActions && c === '{' && text[i + 1] === '{') {
    const end = actionStop(text, i);
    add(state, text.slice(i, end));
    return end;
  }
  if (state.quote === "'") {
    if (c === "'") state.quote = null;
    else add(state, c);
  } else if (c === '\\') {
    const run = backslashRun(text, i);
    add(state, run.add);
    return run.next;
  } else if (c === '"' || (c === "'" && state.quote === null)) {
    state.quote = state.quote === '"' ? null : c;
    add(state, '', true);
  } else if (state.quote === null && /\s/.test(c)) {
    if (state.word) state.words.push(state.word);
    state.word = null;
  } else {
    add(state, c);
  }
  return i + 1;
}

/** Split into words; with `keepActions`, `{{...}}` is copied verbatim whatever it contains. */
function splitWords(text: string, keepActions: boolean): Word[] {
  const state: SplitState = { words: [], word: null, quote: null };
  for (let i = 0; i < text.length;) i = step(state, text, i, keepActions);
  if (state.quote) throw new SplitProblem(`unterminated ${state.quote === '"' ? 'double' : 'single'} quote`);
  if (state.word) state.words.push(state.word);
  return state.words;
}

function wordsOf(text: string, keepActions: boolean, pos: SourcePos | undefined): Word[] {
  try {
    return splitWords(text, keepActions);
  } catch (error) {
    if (error instanceof SplitProblem) throw new CoinFileError(pos, `${error.message} in command: ${text}`);
    throw error;
  }
}

/** Split a rendered command line into argv by the rules above. */
export function splitArguments(text: string, pos?: SourcePos): string[] {
  return wordsOf(text, false, pos).map((w) => w.text);
}

function splitBeforeRendering(command: string, render: (s: string) => string, pos?: SourcePos): string[] {
  const argv: string[] = [];
  for (const word of wordsOf(command, true, pos)) {
    const rendered = render(word.text);
    if (rendered !== '' || word.quoted) argv.push(rendered);
  }
  return argv;
}

/** The argv of an ExecuteCommand: rendered by `render`, split as `splitting` says (see above). */
export function commandArgv(
  command: string | readonly string[],
  splitting: ArgumentSplitting | undefined,
  render: (s: string) => string,
  pos?: SourcePos,
): string[] {
  if (typeof command !== 'string') return command.map((element) => render(element));
  if (splitting === 'SplitAfterVariableSubstitution') return splitArguments(render(command), pos);
  return splitBeforeRendering(command, render, pos);
}
