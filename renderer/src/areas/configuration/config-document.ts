/**
 * The editor's document: the text is the one source of truth; the form reads the value written
 * in it and writes back through the core rewrite, which keeps comments and formatting. A value is
 * edited by path (`['gerrit_monitor', 'parallel_project_rules', 0]`), immutably.
 */
import {
  checkRuntimeConfig,
  type RuntimeConfigCheck,
} from '../../../../runner/core/runtime-config/config-check';
import { memberAt, valueOf, type JsonPath } from '../../../../runner/core/runtime-config/json-node';
import { rewriteJsonc } from '../../../../runner/core/runtime-config/jsonc-rewrite';

/** A text, its check, and the value the form edits. */
export interface ConfigDocument {
  readonly text: string;
  readonly check: RuntimeConfigCheck;
  /**
   * The value as written (before defaults): `{}` for an empty text, undefined when the text
   * cannot be read to its end or is not an object (the form then waits for the text to be fixed).
   */
  readonly value: Readonly<Record<string, unknown>> | undefined;
  readonly errors: number;
  readonly warnings: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Check a text and read the value the form shows. */
export function readDocument(text: string): ConfigDocument {
  const check = checkRuntimeConfig(text);
  const raw = check.root ? valueOf(check.root) : text.trim() === '' ? {} : undefined;
  return {
    text,
    check,
    value: isObject(raw) ? raw : undefined,
    errors: check.diagnostics.filter((d) => d.severity === 'error').length,
    warnings: check.diagnostics.filter((d) => d.severity === 'warning').length,
  };
}

/** The value at `path`, or undefined. */
export function valueAt(value: unknown, path: JsonPath): unknown {
  let at = value;
  for (const step of path) {
    if (Array.isArray(at) && typeof step === 'number') at = at[step];
    else if (isObject(at) && typeof step === 'string' && Object.hasOwn(at, step)) at = at[step];
    else return undefined;
  }
  return at;
}

/**
 * A copy of `value` with `next` at `path`; undefined removes an object key or a list element.
 * Missing (or wrongly typed) objects on the way are created.
 */
export function setAt(value: unknown, path: JsonPath, next: unknown): unknown {
  if (path.length === 0) return next;
  const [step, ...rest] = path;
  if (typeof step === 'number') {
    const list = Array.isArray(value) ? [...(value as unknown[])] : [];
    const item = setAt(list[step], rest, next);
    if (item === undefined) list.splice(step, 1);
    else list[step] = item;
    return list;
  }
  const object: Record<string, unknown> = isObject(value) ? { ...value } : {};
  const member = setAt(object[step!], rest, next);
  if (member === undefined) delete object[step!];
  else object[step!] = member;
  return object;
}

/** The text with `next` at `path`, comments and formatting kept; the text itself when it cannot be edited. */
export function editText(document: ConfigDocument, path: JsonPath, next: unknown): string {
  if (!document.value) return document.text;
  return rewriteJsonc(document.text, setAt(document.value, path, next));
}

/** The text with the key `from` of the object at `path` renamed to `to`, where it is written. */
export function renameInText(document: ConfigDocument, path: JsonPath, from: string, to: string): string {
  const member = memberAt(document.check.root, [...path, from]);
  if (!member) return document.text;
  const { start, end } = member.keySpan;
  return document.text.slice(0, start) + JSON.stringify(to) + document.text.slice(end);
}
