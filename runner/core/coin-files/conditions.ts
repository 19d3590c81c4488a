/**
 * Coin's conditions (`enable_if`, `disable_if`, `accept_configuration`): parsed from the loaded
 * YAML value into a typed union, and evaluated against a configuration's property bag (and, for
 * `condition: runtime`, the environment an agent has built so far) with a trace in plain words.
 *
 * Rules inferred from the real Qt files (Coin's source is not public):
 * - Unset means `null`: a property or environment variable that is missing, undefined, null, an
 *   empty string or an empty list equals `null` (a Go-style reading: Coin decodes YAML `null`
 *   into an empty string; templates cannot tell "unset" from "empty" either, so
 *   `ENV_PREFIX: ""` on Linux behaves like no prefix everywhere).
 * - Scalars compare as strings, case-sensitively: `equals_value: 1` matches the property "1".
 * - `contains_value` is list membership on lists (`features`) and substring on strings
 *   (`host.compiler contains MSVC` matches `MSVC2019`); an unset value contains nothing.
 * - `equals_value` on a list property is true only for a one-element list holding that value.
 * - `in_values` is true when the value is one of the list (`null` in the list matches unset); a
 *   list property is "in" when any of its elements is.
 * - `equals_property` compares the two properties' values by the same rules (unset == unset).
 * - `platformDependency.<prop>` reads `<prop>` of the nested dependency bag when the bag holds
 *   `platformDependency` as an object, unless the flat key itself is present. A nested bag
 *   compares as its `id`/`Id` when it has one.
 * - A runtime condition (`env_var`, whose name may be a template of `.Env`, e.g.
 *   `{{ToUpper .Env.TESTED_MODULE_COIN}}_EXAMPLES_CMAKE_ARGS`) can only be decided on an agent:
 *   without a runtime environment it is `'deferred'`. and/or use three-valued logic: `and` with
 *   one false child is false even if another is deferred; `or` with one true child is true.
 * - `and`/`or` need a non-empty `conditions:` list; unknown fields are errors, with the nearest
 *   known name suggested.
 */
import { assertNever } from '../model';
import { parseTemplate } from './go-template';
import { CoinFileError, fieldPos, posOf, type SourcePos } from './source-pos';

/** The properties of one configuration, keyed by dotted names ('features', 'host.os', ...). */
export type PropertyBag = Readonly<Record<string, unknown>>;

/** An agent's environment while it runs instructions. */
export type RuntimeEnv = Readonly<Record<string, string | undefined>>;

/** The kinds of condition Coin knows. */
export const conditionKinds = ['and', 'or', 'property', 'runtime'] as const;

/** The tests a `condition: property` may make: exactly one per condition. */
export const propertyOperators = [
  'equals_value',
  'not_equals_value',
  'contains_value',
  'not_contains_value',
  'in_values',
  'not_in_values',
  'equals_property',
  'not_equals_property',
] as const;

/** The tests a `condition: runtime` may make: exactly one per condition. */
export const runtimeOperators = ['equals_value', 'not_equals_value', 'contains_value'] as const;

/** One of propertyOperators. */
export type PropertyOperator = (typeof propertyOperators)[number];

/** What a property condition tests. */
export type PropertyTest =
  | { readonly op: 'equals_value' | 'not_equals_value'; readonly value: string | null }
  | { readonly op: 'contains_value' | 'not_contains_value'; readonly value: string }
  | { readonly op: 'in_values' | 'not_in_values'; readonly values: readonly (string | null)[] }
  | { readonly op: 'equals_property' | 'not_equals_property'; readonly other: string };

/** What a runtime condition tests. */
export type RuntimeTest =
  | { readonly op: 'equals_value' | 'not_equals_value'; readonly value: string | null }
  | { readonly op: 'contains_value'; readonly value: string };

/** `condition: and` / `condition: or`. */
export interface GroupCondition {
  readonly kind: 'and' | 'or';
  readonly conditions: readonly Condition[];
  readonly pos?: SourcePos;
}

/** `condition: property`: a fact of the configuration, decided when planning. */
export interface PropertyCondition {
  readonly kind: 'property';
  readonly property: string;
  readonly test: PropertyTest;
  readonly pos?: SourcePos;
}

/** `condition: runtime`: an environment variable, decided on the agent. */
export interface RuntimeCondition {
  readonly kind: 'runtime';
  /** The variable's name as written: may be a template of `.Env`. */
  readonly envVar: string;
  readonly envVarPos?: SourcePos;
  readonly test: RuntimeTest;
  readonly pos?: SourcePos;
}

/** A parsed condition: plain data (JSON-safe), positions kept for messages. */
export type Condition = GroupCondition | PropertyCondition | RuntimeCondition;

/** The decision, and why, one line per condition (children indented by two spaces). */
export interface ConditionResult {
  readonly value: boolean | 'deferred';
  readonly trace: string[];
}

type Raw = Record<string, unknown>;

function kindName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

function didYouMean(word: string, known: readonly string[]): string {
  const scored = known.map((k) => ({ k, d: editDistance(word.toLowerCase(), k.toLowerCase()) }));
  const best = scored.sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? `; did you mean '${best.k}'?` : '';
}

function expectMapping(raw: unknown, at: SourcePos | undefined): Raw {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const problem = `a condition must be a mapping with 'condition: and|or|property|runtime', got ${kindName(raw)}`;
    throw new CoinFileError(posOf(raw) ?? at, problem);
  }
  return raw as Raw;
}

function checkFields(raw: Raw, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(raw)) {
    if (allowed.includes(key)) continue;
    const hint = didYouMean(key, allowed) || ` (allowed: ${allowed.join(', ')})`;
    throw new CoinFileError(fieldPos(raw, key), `unknown field '${key}' in ${what}${hint}`);
  }
}

function scalarAt(
  value: unknown,
  pos: SourcePos | undefined,
  label: string,
  allowNull: boolean,
): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null && allowNull) return null;
  const wanted = allowNull ? 'a single value or null' : 'a single value';
  throw new CoinFileError(pos, `${label} needs ${wanted}, got ${kindName(value)}`);
}

function scalar(raw: Raw, key: string, allowNull: boolean): string | null {
  return scalarAt(raw[key], fieldPos(raw, key), key, allowNull);
}

function nameField(raw: Raw, key: string, what: string, naming: string): string {
  const value = raw[key];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  const present = Object.hasOwn(raw, key);
  const problem = `${what} needs '${key}:' naming ${naming}, got ${present ? kindName(value) : 'none'}`;
  throw new CoinFileError(present ? fieldPos(raw, key) : posOf(raw), problem);
}

function onlyOperator(raw: Raw, operators: readonly string[], what: string): string {
  const present = operators.filter((op) => Object.hasOwn(raw, op));
  if (present.length === 1) return present[0]!;
  const got = present.length === 0 ? 'none' : `${present.slice(0, -1).join(', ')} and ${present.at(-1)}`;
  const pos = present.length > 1 ? fieldPos(raw, present[1]!) : posOf(raw);
  throw new CoinFileError(pos, `${what} needs exactly one of ${operators.join(', ')}, got ${got}`);
}

function parseList(raw: Raw, key: string): (string | null)[] {
  const list = raw[key];
  if (!Array.isArray(list)) {
    throw new CoinFileError(fieldPos(raw, key), `${key} needs a list of values, got ${kindName(list)}`);
  }
  return list.map((item: unknown, i) => scalarAt(item, fieldPos(list, i), `${key}[${i}]`, true));
}

function parsePropertyTest(raw: Raw, op: PropertyOperator): PropertyTest {
  switch (op) {
    case 'equals_value':
    case 'not_equals_value':
      return { op, value: scalar(raw, op, true) };
    case 'contains_value':
    case 'not_contains_value':
      return { op, value: scalar(raw, op, false)! };
    case 'in_values':
    case 'not_in_values':
      return { op, values: parseList(raw, op) };
    case 'equals_property':
    case 'not_equals_property':
      return { op, other: nameField(raw, op, 'a property condition', 'a property') };
    default:
      return assertNever(op, 'property operator');
  }
}

function parseProperty(raw: Raw): PropertyCondition {
  checkFields(raw, ['condition', 'property', ...propertyOperators], 'a property condition');
  const property = nameField(raw, 'property', 'a property condition', 'a property');
  const op = onlyOperator(raw, propertyOperators, 'a property condition') as PropertyOperator;
  return { kind: 'property', property, test: parsePropertyTest(raw, op), pos: posOf(raw) };
}

function parseRuntime(raw: Raw): RuntimeCondition {
  checkFields(raw, ['condition', 'env_var', ...runtimeOperators], 'a runtime condition');
  const envVar = nameField(raw, 'env_var', 'a runtime condition', 'an environment variable');
  const envVarPos = fieldPos(raw, 'env_var');
  parseTemplate(envVar, envVarPos); // template errors belong to load time, not to the agent
  const op = onlyOperator(raw, runtimeOperators, 'a runtime condition') as (typeof runtimeOperators)[number];
  const test: RuntimeTest =
    op === 'contains_value' ? { op, value: scalar(raw, op, false)! } : { op, value: scalar(raw, op, true) };
  return { kind: 'runtime', envVar, envVarPos, test, pos: posOf(raw) };
}

function parseGroup(raw: Raw, kind: 'and' | 'or'): GroupCondition {
  checkFields(raw, ['condition', 'conditions'], `an '${kind}' condition`);
  const list = raw.conditions;
  if (!Array.isArray(list) || list.length === 0) {
    const pos = Object.hasOwn(raw, 'conditions') ? fieldPos(raw, 'conditions') : posOf(raw);
    const got = Object.hasOwn(raw, 'conditions') ? kindName(list) : 'none';
    throw new CoinFileError(pos, `an '${kind}' condition needs a non-empty 'conditions:' list, got ${got}`);
  }
  const conditions = list.map((item, i) => parseCondition(item, fieldPos(list, i)));
  return { kind, conditions, pos: posOf(raw) };
}

/** Parse a loaded `enable_if`/`disable_if`/`accept_configuration` value; `at` is used when it has no position. */
export function parseCondition(raw: unknown, at?: SourcePos): Condition {
  const node = expectMapping(raw, at);
  const kind = node.condition;
  if (typeof kind !== 'string') {
    const pos = Object.hasOwn(node, 'condition') ? fieldPos(node, 'condition') : posOf(node);
    const got = Object.hasOwn(node, 'condition') ? kindName(kind) : 'none';
    throw new CoinFileError(
      pos ?? at,
      `a condition needs 'condition:' (one of ${conditionKinds.join(', ')}), got ${got}`,
    );
  }
  switch (kind) {
    case 'and':
    case 'or':
      return parseGroup(node, kind);
    case 'property':
      return parseProperty(node);
    case 'runtime':
      return parseRuntime(node);
    default: {
      const problem = `unknown condition kind '${kind}' (expected ${conditionKinds.join(', ')})`;
      throw new CoinFileError(fieldPos(node, 'condition') ?? at, problem + didYouMean(kind, conditionKinds));
    }
  }
}

export { evaluateCondition } from './condition-evaluation';
