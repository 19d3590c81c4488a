/**
 * Typed instruction nodes built from loaded (include-expanded) values. Structural mistakes
 * (both enable_if and disable_if, a bad executeOn) fail loading; an unknown type or a missing
 * required field only fails when a configuration reaches the instruction (instructionError),
 * and lint lists all of them up front.
 */
import { hasAnchor, IncludeDirective } from './coin-yaml';
import type { CoinFileWarning } from './coin-yaml';
import {
  checkInstructionFields,
  instructionSpec,
  unknownFieldMessage,
  unknownTypeMessage,
} from './instruction-catalogue';
import { CoinFileError, fieldPos, posOf } from './source-pos';
import type { SourcePos } from './source-pos';

/** When an instruction runs besides the normal flow: always, or only after a failure. */
export type ExecuteOn = 'always' | 'failure';

/** One instruction of a module's Build or Test list. */
export interface InstructionNode {
  /** The `type` as written (may be unknown to Coin, see `known`). */
  readonly type: string;
  readonly known: boolean;
  /** The positioned raw object: every field, including the common ones. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Raw condition values (conditions.ts parses them); never both. */
  readonly enableIf?: unknown;
  readonly disableIf?: unknown;
  readonly executeOn?: ExecuteOn;
  readonly userMessageOnFailure?: string;
  /** Seconds, or a template such as "{{.Env.CMAKE_BUILD_TIMEOUT}}". */
  readonly maxTimeInSeconds?: number | string;
  readonly maxTimeBetweenOutput?: number | string;
  readonly pos: SourcePos | undefined;
  /** The children of a Group. */
  readonly children?: readonly InstructionNode[];
  /** Why this instruction cannot run (unknown type, missing field); raised when reached. */
  readonly problem?: string;
  /** Things that do not stop it from running (unknown fields), listed by lint. */
  readonly notes: readonly CoinFileWarning[];
}

/** Builds instruction nodes; one builder per load, so a shared subtree becomes one shared node. */
export class InstructionTreeBuilder {
  private readonly built = new WeakMap<object, InstructionNode>();

  /** The nodes of an instruction list (`Build:`, `Test:`, a Group's `instructions:`). */
  list(value: unknown, where: SourcePos | undefined): InstructionNode[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value))
      throw new CoinFileError(where, `expected a list of instructions, got ${kind(value)}`);
    return value.map((item, index) => this.instruction(item, fieldPos(value, index)));
  }

  /** The node of one instruction (a map with a `type`). */
  instruction(value: unknown, where: SourcePos | undefined): InstructionNode {
    if (value instanceof IncludeDirective) {
      throw new CoinFileError(value.pos, `!include "${value.target}" was not expanded`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CoinFileError(where, `an instruction must be a map with a "type", got ${kind(value)}`);
    }
    const done = this.built.get(value);
    if (done) return done;
    const node = this.build(value as Record<string, unknown>);
    this.built.set(value, node);
    return node;
  }

  private build(fields: Record<string, unknown>): InstructionNode {
    const pos = posOf(fields);
    if (typeof fields.type !== 'string') {
      throw new CoinFileError(fieldPos(fields, 'type'), 'an instruction needs "type" (a string)');
    }
    if ('enable_if' in fields && 'disable_if' in fields) {
      throw new CoinFileError(
        fieldPos(fields, 'disable_if'),
        `${fields.type} has both enable_if and disable_if; keep one of them`,
      );
    }
    const spec = instructionSpec(fields.type);
    const checked = spec ? checkInstructionFields(spec, fields) : { unknown: [], missing: [] };
    const notes = checked.unknown
      .filter((field) => !hasAnchor(fields[field]))
      .map((field) => ({ pos: fieldPos(fields, field), message: unknownFieldMessage(spec!, field) }));
    const modeNote = ambiguousFileMode(fields.fileMode);
    if (modeNote) notes.push({ pos: fieldPos(fields, 'fileMode'), message: modeNote });
    const missing = checked.missing.map((f) => `"${f}"`).join(', ');
    const problem = !spec
      ? unknownTypeMessage(fields.type)
      : missing
        ? `${fields.type} needs ${missing}`
        : undefined;
    return {
      type: fields.type,
      known: spec !== undefined,
      fields,
      ...optionalCommonFields(fields),
      pos,
      ...(spec?.type === 'Group' && 'instructions' in fields
        ? { children: this.list(fields.instructions, fieldPos(fields, 'instructions')) }
        : {}),
      ...(problem ? { problem } : {}),
      notes,
    };
  }
}

/**
 * A `fileMode` written as a number above 511 (0777) cannot be decimal permission bits; the agent
 * reads its digits as octal (755 -> 0755), which the author probably meant, but says so.
 */
function ambiguousFileMode(mode: unknown): string | undefined {
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode <= 0o777) return undefined;
  const digits = String(mode);
  if (!/^[0-7]+$/.test(digits) || Number.parseInt(digits, 8) > 0o7777) return undefined;
  const octal = Number.parseInt(digits, 8);
  return `fileMode ${digits} is not a decimal mode (over 511); it is read as octal 0${digits}: write ${octal} or 0${digits}`;
}

function optionalCommonFields(fields: Record<string, unknown>): Partial<InstructionNode> {
  const common: { -readonly [K in keyof InstructionNode]?: InstructionNode[K] } = {};
  if ('enable_if' in fields) common.enableIf = fields.enable_if;
  if ('disable_if' in fields) common.disableIf = fields.disable_if;
  if ('executeOn' in fields) {
    if (fields.executeOn !== 'always' && fields.executeOn !== 'failure') {
      throw new CoinFileError(
        fieldPos(fields, 'executeOn'),
        `executeOn must be "always" or "failure", got ${JSON.stringify(fields.executeOn)}`,
      );
    }
    common.executeOn = fields.executeOn;
  }
  if ('userMessageOnFailure' in fields) {
    common.userMessageOnFailure = expect(fields, 'userMessageOnFailure', ['string']) as string;
  }
  for (const key of ['maxTimeInSeconds', 'maxTimeBetweenOutput'] as const) {
    if (key in fields) common[key] = expect(fields, key, ['number', 'string']) as number | string;
  }
  return common;
}

function expect(fields: Record<string, unknown>, key: string, types: string[]): unknown {
  const value = fields[key];
  if (types.includes(typeof value)) return value;
  throw new CoinFileError(
    fieldPos(fields, key),
    `${key} must be a ${types.join(' or ')}, got ${kind(value)}`,
  );
}

function kind(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof IncludeDirective) return 'an !include';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

/** The error a planner raises when a configuration reaches this instruction, if it cannot run. */
export function instructionError(node: InstructionNode): CoinFileError | undefined {
  return node.problem === undefined
    ? undefined
    : new CoinFileError(fieldPos(node.fields, 'type'), node.problem);
}

/** Every problem and note in the trees under `nodes`, each shared node once, in tree order. */
export function lintInstructions(nodes: readonly InstructionNode[]): CoinFileWarning[] {
  const seen = new Set<InstructionNode>();
  const warnings: CoinFileWarning[] = [];
  const visit = (node: InstructionNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const error = instructionError(node);
    if (error) warnings.push({ pos: error.pos, message: error.problem });
    warnings.push(...node.notes);
    node.children?.forEach(visit);
  };
  nodes.forEach(visit);
  return warnings;
}

/** How many instructions `nodes` stand for once shared subtrees are counted at each use. */
export function expandedInstructionCount(nodes: readonly InstructionNode[]): number {
  const memo = new Map<InstructionNode, number>();
  const count = (node: InstructionNode): number => {
    let n = memo.get(node);
    if (n === undefined) {
      n = 1 + (node.children ?? []).reduce((sum, child) => sum + count(child), 0);
      memo.set(node, n);
    }
    return n;
  };
  return nodes.reduce((sum, node) => sum + count(node), 0);
}
