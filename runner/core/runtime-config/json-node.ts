/**
 * The syntax tree of a JSON-with-comments text: every node knows where it is (0-based offsets,
 * end exclusive), so validation can name line and column and a rewrite can change one value
 * without touching the comments around it.
 */

/** Where something is in the text: 0-based offsets, `end` exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** An object member: its key (with the key's own span) and its value. */
export interface JsonMember {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: JsonNode;
}

/** One value of the tree. */
export type JsonNode =
  | (Span & { readonly kind: 'object'; readonly members: readonly JsonMember[] })
  | (Span & { readonly kind: 'array'; readonly items: readonly JsonNode[] })
  | (Span & { readonly kind: 'string'; readonly value: string })
  | (Span & { readonly kind: 'number'; readonly value: number })
  | (Span & { readonly kind: 'boolean'; readonly value: boolean })
  | (Span & { readonly kind: 'null'; readonly value: null });

/** A 1-based line and column (columns count UTF-16 code units, as editors do). */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** Turns offsets into lines and columns for one text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** The line and column of an offset. */
  at(offset: number): LineColumn {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }

  /** The offset where a (1-based) line starts. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
  }
}

/** A path into a value: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** The node at `path`, or undefined when the tree has no such place. */
export function nodeAt(root: JsonNode | undefined, path: JsonPath): JsonNode | undefined {
  let node = root;
  for (const step of path) {
    if (!node) return undefined;
    if (node.kind === 'object') node = findMember(node, String(step))?.value;
    else if (node.kind === 'array' && typeof step === 'number') node = node.items[step];
    else return undefined;
  }
  return node;
}

/** The last member named `key` of an object node (JSON.parse keeps the last one too). */
export function findMember(node: JsonNode, key: string): JsonMember | undefined {
  if (node.kind !== 'object') return undefined;
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i]!.key === key) return node.members[i];
  return undefined;
}

/** The member named by the last step of `path` (for errors that concern a key). */
export function memberAt(root: JsonNode | undefined, path: JsonPath): JsonMember | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(root, path.slice(0, -1));
  return parent ? findMember(parent, String(path[path.length - 1])) : undefined;
}

/** The plain JS value of a node; objects never get a `__proto__` key (the parser refuses it). */
export function valueOf(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const m of node.members) {
        if (m.key === '__proto__') continue;
        out[m.key] = valueOf(m.value);
      }
      return out;
    }
    case 'array':
      return node.items.map(valueOf);
    default:
      return node.value;
  }
}

/** "an object", "the string "x"", "the number 5": what a value is, for error messages. */
export function describeNode(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return `the string ${JSON.stringify(node.value.length > 40 ? `${node.value.slice(0, 40)}...` : node.value)}`;
    case 'number':
      return `the number ${node.value}`;
    case 'boolean':
      return node.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}
