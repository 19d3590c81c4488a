/**
 * The regular expressions of the runtime configuration (`parallel_project_rules`, the values of a
 * sched rule's `match`). They are Python patterns, as Coin is written in Python, translated by
 * python-regex.ts, and they must match the WHOLE text: `qt/qtbase/dev` matches `qt/qtbase/dev` but
 * not `qt/qtbase/dev2` (write `qt/qtbase/.*` for every branch). Whole-text matching was chosen
 * over a search because a rule then says exactly what it allows; the rule tester shows it.
 */
import { pythonRegex, PythonRegexError } from '../python-regex';

const cache = new Map<string, RegExp>();

/** The anchored RegExp of a rule; throws PythonRegexError when the pattern is not valid. */
export function compileRule(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (!regex) {
    const translated = pythonRegex(pattern).regex;
    regex = new RegExp(`(?<![\\s\\S])(?:${translated.source})(?![\\s\\S])`, translated.flags);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, regex);
  }
  return regex;
}

/** Why a pattern cannot be used, in words; undefined when it can. */
export function ruleError(pattern: string): string | undefined {
  try {
    compileRule(pattern);
    return undefined;
  } catch (error) {
    if (!(error instanceof PythonRegexError)) throw error;
    const reason = error.message
      .replace(/^regex ".*" cannot be used: /s, '')
      .replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

/** True when the whole `text` matches the rule (an invalid rule matches nothing). */
export function ruleMatches(pattern: string, text: string): boolean {
  try {
    return compileRule(pattern).test(text);
  } catch {
    return false;
  }
}

interface GroupFrame {
  readonly start: number;
  repeatsInside: boolean;
  readonly branches: string[];
  branchStart: number;
}

/** The quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`): its length and whether it repeats. */
function quantifierAt(p: string, i: number): { length: number; repeats: boolean } | undefined {
  const c = p[i];
  let q: { length: number; repeats: boolean };
  if (c === '*' || c === '+') q = { length: 1, repeats: true };
  else if (c === '?') q = { length: 1, repeats: false };
  else if (c === '{') {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(p.slice(i));
    if (!m || (m[1] === '' && m[3] === '')) return undefined;
    const repeats = m[2] === ',' ? m[3] === '' || Number(m[3]) > 1 : Number(m[1]) > 1;
    q = { length: m[0].length, repeats };
  } else return undefined;
  const lazyOrPossessive = p[i + q.length] === '?' || p[i + q.length] === '+';
  return lazyOrPossessive ? { ...q, length: q.length + 1 } : q;
}

/** Skips an escape or a character class starting at `i`; returns the index after it. */
function skipAtom(p: string, i: number): number {
  if (p[i] === '\\') return i + 2;
  if (p[i] !== '[') return i + 1;
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j + 1;
  }
  return p.length;
}

/**
 * Why a pattern risks catastrophic backtracking (exponential time on a long text that does not
 * match), or undefined. Finds the classic shapes: a repeated group that itself contains a repeat,
 * `(a+)+`, `(\w*x?)*`, `(.*,){10,}`, and a repeated alternation with two equal branches, `(a|a)*`.
 */
export function backtrackingRisk(pattern: string): string | undefined {
  const stack: GroupFrame[] = [{ start: -1, repeatsInside: false, branches: [], branchStart: 0 }];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === '(') {
      stack.push({ start: i, repeatsInside: false, branches: [], branchStart: i + 1 });
      i = pattern[i + 1] === '?' ? skipGroupPrefix(pattern, i) : i + 1;
      stack[stack.length - 1]!.branchStart = i;
      continue;
    }
    if (c === '|') {
      const frame = stack[stack.length - 1]!;
      frame.branches.push(pattern.slice(frame.branchStart, i));
      frame.branchStart = ++i;
      continue;
    }
    let atomEnd = skipAtom(pattern, i);
    let group: GroupFrame | undefined;
    if (c === ')' && stack.length > 1) {
      group = stack.pop()!;
      group.branches.push(pattern.slice(group.branchStart, i));
      atomEnd = i + 1;
    }
    const q = quantifierAt(pattern, atomEnd);
    const outer = stack[stack.length - 1]!;
    if (group?.repeatsInside) outer.repeatsInside = true;
    if (q?.repeats) {
      const text = group ? pattern.slice(group.start, atomEnd + q.length) : '';
      if (group?.repeatsInside) return `"${text}" repeats a group that itself repeats (nested quantifiers)`;
      if (group && new Set(group.branches).size < group.branches.length)
        return `"${text}" repeats an alternation with two equal branches`;
      outer.repeatsInside = true;
    }
    i = atomEnd + (q?.length ?? 0);
  }
  return undefined;
}

/** Index after `(?:`, `(?P<name>`, `(?<name>`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?i)`. */
function skipGroupPrefix(p: string, i: number): number {
  const m = /^\(\?(P?<[A-Za-z_]\w*>|<=|<!|[:=!]|[aiLmsux-]*:?)/.exec(p.slice(i));
  return i + (m ? m[0].length : 2);
}
