/** Conditions from YAML text, positioned the way the loader hands them over, and sample bags. */
import { expect } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import {
  evaluateCondition,
  parseCondition,
  type Condition,
  type PropertyBag,
} from '../../../../../runner/core/coin-files/conditions';
import {
  CoinFileError,
  setFieldPos,
  setPos,
  type SourcePos,
} from '../../../../../runner/core/coin-files/source-pos';

/** YAML text -> plain positioned values, the way the loader hands them over. */
export function load(text: string, file = 'c.yaml'): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const posOf = (node: Node): SourcePos => {
    const { line, col } = lines.linePos(node.range![0]);
    return { file, line, column: col };
  };
  const walk = (node: unknown): unknown => {
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      setPos(out, posOf(node));
      for (const pair of node.items) {
        const key = String((pair.key as { value: unknown }).value);
        out[key] = walk(pair.value);
        setFieldPos(out, key, posOf((pair.value ?? pair.key) as Node));
      }
      return out;
    }
    if (isSeq(node)) {
      const out = node.items.map((item) => walk(item));
      setPos(out, posOf(node));
      node.items.forEach((item, i) => setFieldPos(out, i, posOf(item as Node)));
      return out;
    }
    return isScalar(node) ? node.value : null;
  };
  return walk(doc.contents);
}

export function cond(text: string): Condition {
  return parseCondition(load(text));
}

export function problemOf(text: string): string {
  try {
    cond(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CoinFileError);
    return (error as CoinFileError).message;
  }
  throw new Error('expected a CoinFileError');
}

export const linux: PropertyBag = {
  features: ['Packaging', 'UseConfigure', 'VerboseCTestOutput'],
  'host.os': 'Linux',
  'host.osVersion': 'Ubuntu_22_04',
  'host.arch': 'X86_64',
  'host.compiler': 'GCC',
  'target.os': 'Linux',
  'target.arch': 'X86_64',
  'target.osVersion': 'Ubuntu_22_04',
  configureArgs: '-developer-build -DBUILD_SHARED_LIBS=OFF -nomake examples',
};
export const windows: PropertyBag = {
  ...linux,
  features: [],
  'host.os': 'Windows',
  'host.compiler': 'MSVC2019',
  'target.os': 'Windows',
  configureArgs: null,
};

export function decide(text: string, bag: PropertyBag = linux, env?: Record<string, string>) {
  return evaluateCondition(cond(text), bag, env);
}
