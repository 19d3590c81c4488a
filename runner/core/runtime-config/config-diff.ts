/**
 * Differences between configuration versions: by field (`gerrit_monitor.parallel_integration_delay:
 * 1800 -> 600`, what the log and the history show), by line (a unified diff of the texts, which
 * also shows comment-only edits) and three ways (what I changed and what changed on disk since
 * I loaded the file, with the fields both changed differently).
 */
import { pathText } from './config-check';
import type { JsonPath } from './json-node';

/** One changed field: its path and both values (undefined: absent). */
export interface ConfigChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(before: unknown, after: unknown, path: JsonPath, out: ConfigChange[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      collect(before[key], after[key], [...path, key], out);
  } else if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].some(isObject)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      collect(before[i], after[i], [...path, i], out);
  } else out.push({ path: pathText(path), before, after });
}

/** The fields that differ between two configuration values, in document order. */
export function configChanges(before: unknown, after: unknown): ConfigChange[] {
  const out: ConfigChange[] = [];
  collect(before, after, [], out);
  return out;
}

/** One line per change: `path: before -> after` (`(none)` for an absent value). */
export function formatChanges(changes: readonly ConfigChange[]): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return changes.map((c) => `${c.path}: ${show(c.before)} -> ${show(c.after)}`).join('\n');
}

type LineOp = { readonly op: ' ' | '-' | '+'; readonly line: string };

/** Myers' shortest edit script between two line lists. */
function lineOps(a: readonly string[], b: readonly string[]): LineOp[] {
  const max = a.length + b.length;
  const v = new Map<number, number>([[1, 0]]);
  const trace: Map<number, number>[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(new Map(v));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v.get(k - 1)! < v.get(k + 1)!) ? v.get(k + 1)! : v.get(k - 1)! + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) [x, y] = [x + 1, y + 1];
      v.set(k, x);
      if (x >= a.length && y >= b.length) break outer;
    }
  }
  return backtrack(a, b, trace);
}

function backtrack(a: readonly string[], b: readonly string[], trace: Map<number, number>[]): LineOp[] {
  const ops: LineOp[] = [];
  let [x, y] = [a.length, b.length];
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const v = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v.get(k - 1)! < v.get(k + 1)!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v.get(prevK)!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ op: ' ', line: a[x]! });
    }
    if (d > 0) ops.push(down ? { op: '+', line: b[--y]! } : { op: '-', line: a[--x]! });
  }
  return ops.reverse();
}

/** A unified diff (`--- a`, `+++ b`, `@@` hunks with 3 lines of context); '' when equal. */
export function unifiedDiff(before: string, after: string, names = { a: 'before', b: 'after' }): string {
  if (before === after) return '';
  const ops = lineOps(before.split('\n'), after.split('\n'));
  const hunks: string[] = [];
  let i = 0;
  const counts = { a: 1, b: 1 };
  const advance = (op: LineOp) => {
    if (op.op !== '+') counts.a++;
    if (op.op !== '-') counts.b++;
  };
  while (i < ops.length) {
    const change = ops.findIndex((o, j) => j >= i && o.op !== ' ');
    if (change < 0) break;
    const start = Math.max(i, change - 3);
    for (; i < start; i++) advance(ops[i]!);
    let end = change;
    while (end < ops.length && ops.slice(end, end + 7).some((o) => o.op !== ' ')) end++;
    end = Math.min(ops.length, end + 3);
    const part = ops.slice(start, end);
    const aLen = part.filter((o) => o.op !== '+').length;
    const bLen = part.filter((o) => o.op !== '-').length;
    hunks.push(`@@ -${counts.a},${aLen} +${counts.b},${bLen} @@`, ...part.map((o) => `${o.op}${o.line}`));
    for (; i < end; i++) advance(ops[i]!);
  }
  return [`--- ${names.a}`, `+++ ${names.b}`, ...hunks].join('\n');
}

/** A field changed on one side or both since the common base. */
export interface ThreeWayChange {
  readonly path: string;
  readonly base: unknown;
  readonly mine: unknown;
  readonly theirs: unknown;
  /** Both sides changed it, to different values. */
  readonly conflict: boolean;
}

/** What I changed and what changed on disk since the base I loaded, by line and by field. */
export interface ThreeWayDifference {
  /** base -> mine, unified. */
  readonly mine: string;
  /** base -> theirs (the file on disk now), unified. */
  readonly theirs: string;
  /** Field changes on either side (only when all three values are known). */
  readonly fields: readonly ThreeWayChange[];
}

/** The three-way difference of texts, and of values when given (parsed configurations). */
export function threeWayDifference(
  texts: { base: string; mine: string; theirs: string },
  values?: { base: unknown; mine: unknown; theirs: unknown },
): ThreeWayDifference {
  const fields: ThreeWayChange[] = [];
  if (values) {
    const mine = new Map(configChanges(values.base, values.mine).map((c) => [c.path, c]));
    const theirs = new Map(configChanges(values.base, values.theirs).map((c) => [c.path, c]));
    for (const path of new Set([...mine.keys(), ...theirs.keys()])) {
      const m = mine.get(path);
      const t = theirs.get(path);
      const base = (m ?? t)!.before;
      const mineValue = m ? m.after : base;
      const theirValue = t ? t.after : base;
      const conflict = !!m && !!t && JSON.stringify(mineValue) !== JSON.stringify(theirValue);
      fields.push({ path, base, mine: mineValue, theirs: theirValue, conflict });
    }
  }
  return {
    mine: unifiedDiff(texts.base, texts.mine, { a: 'loaded', b: 'yours' }),
    theirs: unifiedDiff(texts.base, texts.theirs, { a: 'loaded', b: 'on disk now' }),
    fields,
  };
}
