/**
 * Coin's YAML dialect: YAML 1.2 (core schema) text becomes plain JS values that carry their source
 * positions (see source-pos.ts). Duplicate keys, unknown tags and alias bombs are errors naming
 * file:line:column; `!include "..."` becomes an IncludeDirective that include-resolver.ts expands.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';
import type * as z from 'zod';
import { nearestName } from './instruction-catalogue';
import { CoinFileError, fieldPos, formatPos, posOf, setFieldPos, setPos } from './source-pos';
import type { SourcePos } from './source-pos';

/** How many nodes a file may expand to once aliases are followed, unless told otherwise. */
export const defaultMaxAliasNodes = 100_000;

/** Limits for parsing one file. */
export interface CoinYamlOptions {
  /** Bound on the total node count after alias expansion (an alias bomb fails past it). */
  maxAliasNodes?: number;
}

/** `!include "<target>"` found in a file, before include-resolver.ts replaces it. */
export class IncludeDirective {
  constructor(
    readonly target: string,
    readonly pos: SourcePos,
  ) {}
}

/** A problem that does not stop loading (unknown field, unknown type), shown by lint. */
export interface CoinFileWarning {
  readonly pos: SourcePos | undefined;
  readonly message: string;
}

/** `file:line:column: message`, the way warnings are printed. */
export function formatWarning(warning: CoinFileWarning): string {
  return warning.pos ? `${formatPos(warning.pos)}: ${warning.message}` : warning.message;
}

const anchored = new WeakSet<object>();
const sourceTexts = new WeakMap<object, Map<string, string>>();

/**
 * The text a field's value was written as, when the value read differs from what YAML 1.2 would
 * read (a YAML 1.1 octal such as `0400`); undefined otherwise.
 */
export function fieldSourceText(owner: object, key: string): string | undefined {
  return sourceTexts.get(owner)?.get(key);
}

/**
 * Coin reads its files as YAML 1.1, where a plain integer with a leading zero is octal (`0400` is
 * 256); YAML 1.2 reads it as decimal 400. Such scalars are read the 1.1 way, keeping their text.
 */
function legacyOctalText(node: Node): string | undefined {
  if (!isScalar(node) || typeof node.value !== 'number' || node.type !== 'PLAIN') return undefined;
  const source = (node as { source?: string }).source;
  return source !== undefined && /^[-+]?0[0-7]+$/.test(source) ? source : undefined;
}

/** Whether an object or array was written with a YAML anchor (`&name`), i.e. exists to be aliased. */
export function hasAnchor(value: unknown): boolean {
  return typeof value === 'object' && value !== null && anchored.has(value);
}

/** Copy the positions and anchor mark of `from` onto `to` (for values rebuilt from loaded ones). */
export function copySourceInfo(from: object, to: object): void {
  const own = posOf(from);
  if (own) setPos(to, own);
  for (const key of Object.keys(from)) {
    const pos = fieldPos(from, key);
    if (pos) setFieldPos(to, key, pos);
  }
  if (anchored.has(from)) anchored.add(to);
  for (const [key, text] of sourceTexts.get(from) ?? []) keepSourceText(to, key, text);
}

function keepSourceText(owner: object, key: string, text: string): void {
  const texts = sourceTexts.get(owner) ?? new Map<string, string>();
  texts.set(key, text);
  sourceTexts.set(owner, texts);
}

const includeTag: ScalarTag = { tag: '!include', resolve: (text: string) => text };
const standardTagPrefix = 'tag:yaml.org,2002:';

interface Walk {
  readonly file: string;
  readonly lines: LineCounter;
  readonly doc: Document;
  readonly limit: number;
  readonly sizes: Map<Node, number>;
  readonly converted: Map<Node, unknown>;
}

/** Parse one Coin YAML file into positioned plain values; throws CoinFileError. */
export function parseCoinYaml(file: string, text: string, options: CoinYamlOptions = {}): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    uniqueKeys: true,
    lineCounter: lines,
    prettyErrors: false,
    customTags: [includeTag],
  });
  const walk: Walk = {
    file,
    lines,
    doc,
    limit: options.maxAliasNodes ?? defaultMaxAliasNodes,
    sizes: new Map(),
    converted: new Map(),
  };
  const syntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  if (syntax) throw new CoinFileError(at(walk, syntax.pos[0]), `YAML syntax error: ${syntax.message}`);
  if (!doc.contents) return null;
  expandedSize(walk, doc.contents, new Set());
  return toPlain(walk, doc.contents);
}

function at(walk: Walk, offset: number): SourcePos {
  const { line, col } = walk.lines.linePos(offset);
  return { file: walk.file, line, column: col };
}

function nodePos(walk: Walk, node: Node): SourcePos {
  return at(walk, node.range?.[0] ?? 0);
}

function aliasTarget(walk: Walk, node: Node): Node {
  const target = isAlias(node) ? node.resolve(walk.doc) : undefined;
  if (!target) throw new CoinFileError(nodePos(walk, node), 'alias refers to no anchor');
  return target;
}

/** Node count once aliases are followed, memoised per node so a bomb is measured cheaply. */
function expandedSize(walk: Walk, node: Node, open: Set<Node>): number {
  const known = walk.sizes.get(node);
  if (known !== undefined) return known;
  if (open.has(node)) throw new CoinFileError(nodePos(walk, node), 'alias refers to its own anchor');
  open.add(node);
  let size = 1;
  if (isAlias(node)) size = expandedSize(walk, aliasTarget(walk, node), open);
  else if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      const child = isMap(node) ? ((item as Pair).value as Node | null) : (item as Node | null);
      if (!child) continue;
      size += expandedSize(walk, child, open);
      if (size > walk.limit) {
        throw new CoinFileError(nodePos(walk, child), `alias expansion exceeds ${walk.limit} nodes`);
      }
    }
  }
  open.delete(node);
  walk.sizes.set(node, size);
  return size;
}

function toPlain(walk: Walk, node: Node): unknown {
  if (isAlias(node)) return toPlain(walk, aliasTarget(walk, node));
  checkTag(walk, node);
  if (isScalar(node)) {
    if (node.tag === includeTag.tag) return new IncludeDirective(String(node.value), nodePos(walk, node));
    const octal = legacyOctalText(node);
    return octal === undefined ? node.value : Number.parseInt(octal, 8);
  }
  const done = walk.converted.get(node);
  if (done !== undefined) return done;
  const value = isMap(node) ? mapToPlain(walk, node) : seqToPlain(walk, node as YAMLSeq);
  if (node.anchor) anchored.add(value);
  walk.converted.set(node, value);
  return value;
}

function checkTag(walk: Walk, node: Node): void {
  const tag = node.tag;
  if (!tag || tag.startsWith(standardTagPrefix)) return;
  if (tag === includeTag.tag) {
    if (isScalar(node)) return;
    throw new CoinFileError(
      nodePos(walk, node),
      '!include takes a string such as "{{qt/qtbase}}/file.yaml", not a list or map',
    );
  }
  throw new CoinFileError(nodePos(walk, node), `unknown tag ${tag} (the only Coin tag is !include)`);
}

function mapToPlain(walk: Walk, node: YAMLMap): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  setPos(value, nodePos(walk, node));
  const keyPos = new Map<string, SourcePos>();
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    if (!keyNode || !isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
      const pos = keyNode ? nodePos(walk, keyNode) : posOf(value);
      throw new CoinFileError(pos, 'a map key must be a plain string');
    }
    const key = String(keyNode.value);
    const pos = nodePos(walk, keyNode);
    const first = keyPos.get(key);
    if (first) throw new CoinFileError(pos, `duplicate key "${key}" (first at ${formatPos(first)})`);
    keyPos.set(key, pos);
    const child = pair.value as Node | null;
    value[key] = child ? toPlain(walk, child) : null;
    setFieldPos(value, key, child ? nodePos(walk, child) : pos);
    const octal = child && legacyOctalText(isAlias(child) ? aliasTarget(walk, child) : child);
    if (octal) keepSourceText(value, key, octal);
  }
  return value;
}

function seqToPlain(walk: Walk, node: YAMLSeq): unknown[] {
  const value: unknown[] = [];
  setPos(value, nodePos(walk, node));
  node.items.forEach((item, index) => {
    const child = item as Node | null;
    value.push(child ? toPlain(walk, child) : null);
    setFieldPos(value, index, child ? nodePos(walk, child) : posOf(value)!);
  });
  return value;
}

/** Where the value at `path` inside `root` came from: the nearest positioned ancestor. */
export function posAtPath(root: unknown, path: readonly PropertyKey[]): SourcePos | undefined {
  let value = root;
  let pos = posOf(root);
  for (const key of path) {
    if (typeof value !== 'object' || value === null || typeof key === 'symbol') break;
    pos = fieldPos(value, key) ?? pos;
    value = (value as Record<string, unknown>)[key];
  }
  return pos;
}

/** Check a loaded value against a zod schema (no transforms); errors point at the offending field. */
export function checkShape<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return value as T;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
  const where = path ? ` ${path.replace(/^\./, '')}` : '';
  throw new CoinFileError(posAtPath(value, issue.path), `${what}${where}: ${issue.message}`);
}

/** Warnings for keys of `map` outside `known`, with the nearest known key as a hint. */
export function unknownKeyWarnings(map: object, known: readonly string[], what: string): CoinFileWarning[] {
  return Object.keys(map)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const nearest = nearestName(key, known);
      return {
        pos: fieldPos(map, key),
        message: `${what} has no key "${key}"${nearest ? `, did you mean ${nearest}?` : ''}`,
      };
    });
}
