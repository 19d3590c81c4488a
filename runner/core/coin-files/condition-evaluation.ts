/**
 * Deciding a parsed condition (conditions.ts) for a configuration's property bag and, for
 * `condition: runtime`, an agent's environment, with a trace in plain words. The rules, inferred
 * from the real Qt files, are listed at the top of conditions.ts.
 */
import { assertNever } from '../model';
import { renderTemplate } from './go-template';
import type {
  Condition,
  ConditionResult,
  GroupCondition,
  PropertyBag,
  PropertyCondition,
  PropertyOperator,
  RuntimeCondition,
  RuntimeEnv,
} from './conditions';

/** A value as conditions see it: null (unset), a string, or a list of strings. */
type Seen = string | readonly string[] | null;

function normalize(value: unknown): Seen {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== null && v !== undefined).map((v) => normalize(v));
    return items.length === 0 ? null : items.map((v) => (typeof v === 'string' ? v : String(v)));
  }
  if (typeof value === 'object') {
    const bag = value as Record<string, unknown>;
    const id = bag.id ?? bag.Id;
    return typeof id === 'string' ? id : '(configuration)';
  }
  return String(value);
}

function lookupProperty(bag: PropertyBag, path: string): unknown {
  if (Object.hasOwn(bag, path)) return bag[path];
  const prefix = 'platformDependency.';
  const dependency = bag.platformDependency;
  if (path.startsWith(prefix) && typeof dependency === 'object' && dependency && !Array.isArray(dependency)) {
    return lookupProperty(dependency as PropertyBag, path.slice(prefix.length));
  }
  return undefined;
}

function show(value: Seen): string {
  if (value === null) return 'unset';
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  return `[${value.join(', ')}]`;
}

function showExpected(value: string | null | readonly (string | null)[]): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return /\s|^$/.test(value) ? JSON.stringify(value) : value;
  return `[${value.map((v) => showExpected(v)).join(', ')}]`;
}

function equalsValue(actual: Seen, expected: string | null): boolean {
  if (expected === null || actual === null) return actual === expected;
  return typeof actual === 'string' ? actual === expected : actual.length === 1 && actual[0] === expected;
}

function containsValue(actual: Seen, expected: string): boolean {
  if (actual === null) return false;
  return actual.includes(expected); // substring on a string, membership on a list
}

function inValues(actual: Seen, values: readonly (string | null)[]): boolean {
  if (actual === null || typeof actual === 'string') return values.includes(actual);
  return actual.some((item) => values.includes(item));
}

function sameValue(a: Seen, b: Seen): boolean {
  if (a === null || b === null) return a === b;
  const left = typeof a === 'string' ? [a] : a;
  const right = typeof b === 'string' ? [b] : b;
  return left.length === right.length && left.every((item, i) => item === right[i]);
}

const words: Readonly<Record<PropertyOperator, string>> = {
  equals_value: 'equals',
  not_equals_value: 'does not equal',
  contains_value: 'contains',
  not_contains_value: 'does not contain',
  in_values: 'is one of',
  not_in_values: 'is not one of',
  equals_property: 'equals',
  not_equals_property: 'does not equal',
};

function evaluateProperty(cond: PropertyCondition, bag: PropertyBag): ConditionResult {
  const { property, test } = cond;
  const actual = normalize(lookupProperty(bag, property));
  const negated = test.op.startsWith('not_');
  let holds: boolean;
  let detail = `it is ${show(actual)}`;
  let expected: string;
  switch (test.op) {
    case 'equals_value':
    case 'not_equals_value':
      [holds, expected] = [equalsValue(actual, test.value), showExpected(test.value)];
      break;
    case 'contains_value':
    case 'not_contains_value':
      [holds, expected] = [containsValue(actual, test.value), showExpected(test.value)];
      break;
    case 'in_values':
    case 'not_in_values':
      [holds, expected] = [inValues(actual, test.values), showExpected(test.values)];
      break;
    case 'equals_property':
    case 'not_equals_property': {
      const other = normalize(lookupProperty(bag, test.other));
      [holds, expected, detail] = [sameValue(actual, other), test.other, `${show(actual)} vs ${show(other)}`];
      break;
    }
    default:
      return assertNever(test, 'property test');
  }
  const value = negated ? !holds : holds;
  return { value, trace: [`${property} ${words[test.op]} ${expected} -> ${value} (${detail})`] };
}

function evaluateRuntime(cond: RuntimeCondition, env: RuntimeEnv | undefined): ConditionResult {
  const expected = showExpected(cond.test.value);
  const said = words[cond.test.op];
  if (!env) {
    return {
      value: 'deferred',
      trace: [`env ${cond.envVar} ${said} ${expected} -> deferred (decided on the agent)`],
    };
  }
  const varName = renderTemplate(cond.envVar, { Env: env }, cond.envVarPos);
  const shownName = varName === cond.envVar ? varName : `${varName} (from ${cond.envVar})`;
  const actual = normalize(Object.hasOwn(env, varName) ? env[varName] : undefined);
  const { test } = cond;
  const holds =
    test.op === 'contains_value' ? containsValue(actual, test.value) : equalsValue(actual, test.value);
  const value = test.op === 'not_equals_value' ? !holds : holds;
  return { value, trace: [`env ${shownName} ${said} ${expected} -> ${value} (it is ${show(actual)})`] };
}

function evaluateGroup(cond: GroupCondition, bag: PropertyBag, env: RuntimeEnv | undefined): ConditionResult {
  const results = cond.conditions.map((child) => evaluateCondition(child, bag, env));
  const values = results.map((r) => r.value);
  const decisive = cond.kind === 'and' ? false : true;
  const value = values.includes(decisive) ? decisive : values.includes('deferred') ? 'deferred' : !decisive;
  const children = results.flatMap((r) => r.trace.map((line) => `  ${line}`));
  return { value, trace: [`${cond.kind} -> ${value}`, ...children] };
}

/**
 * Decide a condition for a configuration. Without `runtimeEnv` (planning time) a runtime
 * condition is 'deferred' unless the rest of an and/or already decides it.
 */
export function evaluateCondition(
  cond: Condition,
  properties: PropertyBag,
  runtimeEnv?: RuntimeEnv,
): ConditionResult {
  switch (cond.kind) {
    case 'and':
    case 'or':
      return evaluateGroup(cond, properties, runtimeEnv);
    case 'property':
      return evaluateProperty(cond, properties);
    case 'runtime':
      return evaluateRuntime(cond, runtimeEnv);
    default:
      return assertNever(cond, 'condition');
  }
}
