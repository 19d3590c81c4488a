/**
 * The form's fields, generated from the schema's documentation (runtimeConfigFieldDocs): a tree
 * of sections, fields and list elements, and where each diagnostic of the check belongs in it
 * (the deepest field or list row its path reaches; syntax problems and unknown top-level keys at
 * the top).
 */
import type { ConfigDiagnostic } from '../../../../runner/core/runtime-config/config-check';
import { runtimeConfigFieldDocs, type FieldDoc } from '../../../../runner/core/runtime-config/config-docs';
import type { JsonPath } from '../../../../runner/core/runtime-config/json-node';

/** One field of the form; children are the fields of an object, or of each element of a list of objects. */
export interface FieldNode {
  readonly doc: FieldDoc;
  /** The last part of the path: `parallel_project_rules`. */
  readonly key: string;
  readonly children: readonly FieldNode[];
}

/** The fields as a tree, in the schema's order. */
export function fieldTree(docs: readonly FieldDoc[] = runtimeConfigFieldDocs()): FieldNode[] {
  const byPath = new Map<string, { doc: FieldDoc; key: string; children: FieldNode[] }>();
  const roots: FieldNode[] = [];
  for (const doc of docs) {
    const cut = doc.path.lastIndexOf('.');
    const node = { doc, key: doc.path.slice(cut + 1), children: [] as FieldNode[] };
    byPath.set(doc.path, node);
    const parent = cut < 0 ? undefined : byPath.get(doc.path.slice(0, cut).replace(/\[\]$/, ''));
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** A stable key for a path (for maps of diagnostics and React keys). */
export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

const rowTypes = new Set(['list of strings', 'map of strings']);

/** The deepest place of the form that `path` reaches: a field, a list element or a list/map row. */
export function formPlaceOf(roots: readonly FieldNode[], path: JsonPath): JsonPath {
  let level: readonly FieldNode[] = roots;
  let current: FieldNode | undefined;
  let at: JsonPath = [];
  for (let i = 0; i < path.length;) {
    const step = path[i];
    if (current && rowTypes.has(current.doc.type)) return path.slice(0, i + 1);
    if (current?.doc.type === 'list of objects') {
      if (typeof step !== 'number') return at;
      const child = current.children.find((n) => n.key === path[i + 1]);
      if (!child) return path.slice(0, i + 1);
      [current, level, at, i] = [child, child.children, path.slice(0, i + 2), i + 2];
      continue;
    }
    const child = level.find((n) => n.key === step);
    if (!child) return at;
    [current, level, at, i] = [child, child.children, path.slice(0, i + 1), i + 1];
  }
  return at;
}

/** The diagnostics by the place of the form they belong to (pathKey of formPlaceOf). */
export function placeDiagnostics(
  roots: readonly FieldNode[],
  diagnostics: readonly ConfigDiagnostic[],
): Map<string, ConfigDiagnostic[]> {
  const placed = new Map<string, ConfigDiagnostic[]>();
  for (const d of diagnostics) {
    const key = pathKey(formPlaceOf(roots, d.path));
    placed.set(key, [...(placed.get(key) ?? []), d]);
  }
  return placed;
}

/** An empty value of a field's type, for a new list element (required fields only). */
export function emptyValueOf(node: FieldNode): unknown {
  switch (node.doc.type) {
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'number':
      return 0;
    case 'list of strings':
    case 'list of objects':
      return [];
    default:
      return {};
  }
}

/** A new element of a list of objects: its required fields, empty. */
export function newElementOf(list: FieldNode): Record<string, unknown> {
  return Object.fromEntries(list.children.filter((c) => c.doc.required).map((c) => [c.key, emptyValueOf(c)]));
}
