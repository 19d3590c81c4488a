/**
 * Checks a `coin_configuration.json` text and reports every problem at once, each with its line
 * and column: syntax (jsonc-parser.ts), the schema (unknown keys with the nearest known name,
 * wrong types, negative delays, invalid regular expressions, empty rules) and warnings (regular
 * expressions at risk of catastrophic backtracking, match attributes no configuration has).
 * The configuration is returned only when there is no error; warnings do not stop it.
 */
import type * as z from 'zod';
import { objectShapeAt, runtimeConfigFieldDocs } from './config-docs';
import { runtimeConfigSchema, workItemAttributes, type RuntimeConfig } from './config-schema';
import {
  describeNode,
  LineIndex,
  memberAt,
  nodeAt,
  valueOf,
  type JsonNode,
  type JsonPath,
  type Span,
} from './json-node';
import { parseJsonc } from './jsonc-parser';
import { nearestName } from './nearest-name';
import { backtrackingRisk } from './rule-regex';

/** How bad a problem is: errors stop a configuration from being applied, warnings do not. */
export type Severity = 'error' | 'warning';

/** One problem, placed in the text. */
export interface ConfigDiagnostic {
  readonly severity: Severity;
  readonly message: string;
  /** Where in the value (empty for syntax problems). */
  readonly path: JsonPath;
  readonly line: number;
  readonly column: number;
  /** 0-based offsets of the marked text, `end` exclusive. */
  readonly start: number;
  readonly end: number;
}

/** The result of checking a text. */
export interface RuntimeConfigCheck {
  /** The configuration with defaults filled in; undefined when there is an error. */
  readonly config: RuntimeConfig | undefined;
  /** Every problem, in text order. */
  readonly diagnostics: readonly ConfigDiagnostic[];
  /** The syntax tree, when the text could be read to its end. */
  readonly root: JsonNode | undefined;
}

/** `FILE:line:column: error: message`, the way every Coin error names a place. */
export function formatDiagnostic(d: ConfigDiagnostic, file: string): string {
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/** `opennebula.sched_rules[0].match["target.os"]`. */
export function pathText(path: JsonPath): string {
  if (path.length === 0) return 'the configuration';
  return path
    .map((step, i) => {
      if (typeof step === 'number') return `[${step}]`;
      if (!/^[A-Za-z_]\w*$/.test(step)) return `[${JSON.stringify(step)}]`;
      return i === 0 ? step : `.${step}`;
    })
    .join('');
}

/** Check a configuration text; never throws. */
export function checkRuntimeConfig(text: string): RuntimeConfigCheck {
  const parsed = parseJsonc(text);
  const lines = new LineIndex(parsed.root ? text : '');
  const out: ConfigDiagnostic[] = parsed.problems.map((p) => ({ severity: 'error', path: [], ...p }));
  let config: RuntimeConfig | undefined;
  if (parsed.root) {
    const place = (severity: Severity, path: JsonPath, span: Span, message: string) =>
      out.push({ severity, message, path, ...lines.at(span.start), start: span.start, end: span.end });
    const result = runtimeConfigSchema.safeParse(valueOf(parsed.root));
    if (result.success) config = result.data;
    else for (const issue of result.error.issues) reportIssue(parsed.root, issue, place);
    warnings(parsed.root, place);
  }
  out.sort((a, b) => a.start - b.start || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const hasError = out.some((d) => d.severity === 'error');
  return { config: hasError ? undefined : config, diagnostics: out, root: parsed.root };
}

type Place = (severity: Severity, path: JsonPath, span: Span, message: string) => void;

const expectedWords: Readonly<Record<string, string>> = {
  boolean: 'true or false',
  number: 'a number',
  string: 'a string in double quotes',
  object: 'an object {...}',
  record: 'an object {...}',
  array: 'a list [...]',
};

function reportIssue(root: JsonNode, issue: z.core.$ZodIssue, place: Place): void {
  const path = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) unknownKey(root, [...path, key], place);
    return;
  }
  const node = nodeAt(root, path);
  const parent = nodeAt(root, path.slice(0, -1)) ?? root;
  if (!node) {
    const name = String(path[path.length - 1]);
    place('error', path, spanOf(parent), `${pathText(path.slice(0, -1))} has no "${name}" (it is required)`);
    return;
  }
  const atKey = (issue as { params?: { at?: string } }).params?.at === 'key';
  const span = atKey ? (memberAt(root, path)?.keySpan ?? node) : node;
  if (issue.code === 'invalid_type') {
    const expected = expectedWords[issue.expected] ?? issue.expected;
    place(
      'error',
      path,
      spanOf(span),
      `${pathText(path)}: expected ${expected}, found ${describeNode(node)}`,
    );
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    place('error', path, spanOf(span), `${pathText(path)}: ${issue.message}, found ${describeNode(node)}`);
  } else place('error', path, spanOf(span), `${pathText(path)}: ${issue.message}`);
}

function spanOf(span: Span): Span {
  return { start: span.start, end: Math.max(span.end, span.start + 1) };
}

/** Where else a key is a field: `sched_rules` belongs in `opennebula`. */
function elsewhere(key: string): string | undefined {
  const doc = runtimeConfigFieldDocs().find((d) => d.path.split('.').pop() === key);
  if (!doc) return undefined;
  const parent = doc.path.slice(0, doc.path.length - key.length - 1);
  return parent
    ? `"${key}" belongs in "${parent.replace(/\[\]/g, '[...]')}"`
    : `"${key}" belongs at the top level`;
}

function unknownKey(root: JsonNode, path: JsonPath, place: Place): void {
  const key = String(path[path.length - 1]);
  const where = path.length === 1 ? 'at the top level' : `in ${pathText(path.slice(0, -1))}`;
  const known = Object.keys(objectShapeAt(path.slice(0, -1)) ?? {});
  const suggestion = nearestName(key, known);
  const hint = suggestion
    ? `did you mean "${suggestion}"?`
    : (elsewhere(key) ?? `known keys: ${known.map((k) => `"${k}"`).join(', ')}`);
  const member = memberAt(root, path);
  place('error', path, spanOf(member?.keySpan ?? root), `unknown key "${key}" ${where} (${hint})`);
}

function warnRegex(node: JsonNode | undefined, path: JsonPath, place: Place): void {
  if (node?.kind !== 'string') return;
  const risk = backtrackingRisk(node.value);
  if (risk)
    place(
      'warning',
      path,
      node,
      `${pathText(path)}: ${risk}: on a long text that does not match it can take exponential time ` +
        '(catastrophic backtracking); write it without a repeat inside a repeat',
    );
}

function warnings(root: JsonNode, place: Place): void {
  const rules = nodeAt(root, ['gerrit_monitor', 'parallel_project_rules']);
  if (rules?.kind === 'array') {
    const seen = new Set<string>();
    rules.items.forEach((item, i) => {
      const path = ['gerrit_monitor', 'parallel_project_rules', i];
      warnRegex(item, path, place);
      if (item.kind === 'string' && seen.has(item.value))
        place('warning', path, item, `${pathText(path)}: "${item.value}" is listed twice`);
      if (item.kind === 'string') seen.add(item.value);
    });
  }
  const sched = nodeAt(root, ['opennebula', 'sched_rules']);
  if (sched?.kind !== 'array') return;
  sched.items.forEach((rule, i) => {
    const match = nodeAt(rule, ['match']);
    if (match?.kind !== 'object') return;
    for (const member of match.members) {
      const path = ['opennebula', 'sched_rules', i, 'match', member.key];
      warnRegex(member.value, path, place);
      if (workItemAttributes.includes(member.key) || !/^[A-Za-z_][\w.]*$/.test(member.key)) continue;
      const suggestion = nearestName(member.key, workItemAttributes);
      const hint = suggestion
        ? `did you mean "${suggestion}"?`
        : `known: ${workItemAttributes.slice(0, 10).join(', ')}, ...`;
      place(
        'warning',
        path,
        member.keySpan,
        `"${member.key}" is not an attribute of work item configurations, so this rule never applies (${hint})`,
      );
    }
  });
}
