/**
 * Source positions of values loaded from Coin's YAML files. Loaded values are plain JS values
 * (objects, arrays, strings, numbers, booleans, null) so conditions and templates work on them
 * directly; objects and arrays carry their own position and the position of each field under
 * non-enumerable symbol keys, read with posOf() and fieldPos().
 */

/** A place in a file: 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

const ownPos = Symbol('coin.sourcePos');
const fieldPositions = Symbol('coin.fieldPos');

type Positioned = { [ownPos]?: SourcePos; [fieldPositions]?: Record<string, SourcePos> };

/** `file:line:column`, the way every Coin error names a place. */
export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.column}`;
}

/** Attach the position of an object or array (the loader calls this). */
export function setPos(value: object, pos: SourcePos): void {
  Object.defineProperty(value, ownPos, { value: pos, enumerable: false, configurable: true });
}

/** Attach the position of the value of `key` (a field name or an array index). */
export function setFieldPos(value: object, key: string | number, pos: SourcePos): void {
  const holder = value as Positioned;
  if (!holder[fieldPositions]) {
    Object.defineProperty(value, fieldPositions, { value: {}, enumerable: false, configurable: true });
  }
  holder[fieldPositions]![String(key)] = pos;
}

/** Where an object or array came from, if it was loaded from a file. */
export function posOf(value: unknown): SourcePos | undefined {
  return typeof value === 'object' && value !== null ? (value as Positioned)[ownPos] : undefined;
}

/** Where the value of `key` in `value` came from; falls back to the position of `value` itself. */
export function fieldPos(value: unknown, key: string | number): SourcePos | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Positioned)[fieldPositions]?.[String(key)] ?? posOf(value);
}

/** A problem in a Coin file, at a place, saying what was expected. */
export class CoinFileError extends Error {
  constructor(
    readonly pos: SourcePos | undefined,
    readonly problem: string,
  ) {
    super(pos ? `${formatPos(pos)}: ${problem}` : problem);
    this.name = 'CoinFileError';
  }
}
