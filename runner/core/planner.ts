/**
 * Planning: which configurations a module runs on, and the instruction list of a phase on one
 * configuration, with every plan-time condition decided and the reasons kept (`coin plan` prints
 * them). Runtime conditions stay in the plan for the agent.
 *
 * Planning runs once per module x configuration x phase, so what does not depend on the
 * configuration is computed once per loaded value and reused: parsed conditions and the JSON copy
 * of an instruction's own fields (frozen, shared by every plan that contains the instruction),
 * both keyed by the loaded YAML value, which include expansion and the IncludeResolver's cache
 * share between uses and between loads.
 */
import {
  evaluateCondition,
  parseCondition,
  type Condition,
  type ConditionResult,
} from './coin-files/conditions';
import type { ConfigProperties } from './coin-files/config-properties';
import { instructionError, type InstructionNode } from './coin-files/instruction-tree';
import { commonInstructionFields } from './coin-files/instruction-catalogue';
import type { ModuleConfig } from './coin-files/module-config';
import { formatPos } from './coin-files/source-pos';
import type { PlannedInstruction } from './planned-instruction';

/** Why one instruction is or is not in the plan. */
export interface PlanLine {
  depth: number;
  type: string;
  at: string | null;
  decision: 'run' | 'skipped' | 'at runtime';
  /**
   * The condition that decided, one line per condition: the first names the field
   * (`enable_if: and -> false`), nested conditions follow indented by two spaces. Empty when the
   * instruction has no condition.
   */
  reasons: string[];
  /** The planned instruction (a Group's holds its children, which follow as deeper lines); absent when skipped. */
  instruction?: PlannedInstruction;
}

/** A phase's instruction list for the agent, and one line per instruction considered (for `coin plan`). */
export interface PhasePlan {
  instructions: PlannedInstruction[];
  lines: PlanLine[];
}

/** Fields every instruction may carry (and a Group's children): the rest are the instruction's own. */
const commonFields = new Set([...commonInstructionFields, 'instructions']);

const parsedConditions = new WeakMap<object, Condition>();
const ownFieldCopies = new WeakMap<object, Readonly<Record<string, unknown>>>();

/** A loaded condition value parsed once; positioned values are objects, so they key the cache. */
function conditionOf(raw: unknown): Condition {
  if (typeof raw !== 'object' || raw === null) return parseCondition(raw);
  let parsed = parsedConditions.get(raw);
  if (!parsed) {
    parsed = parseCondition(raw);
    parsedConditions.set(raw, parsed);
  }
  return parsed;
}

/** Whether `module` runs on a configuration with these properties (no accept_configuration: yes). */
export function acceptsConfiguration(module: ModuleConfig, properties: ConfigProperties): ConditionResult {
  if (module.acceptConfiguration === undefined)
    return { value: true, trace: ['no accept_configuration -> true'] };
  return evaluateCondition(conditionOf(module.acceptConfiguration), properties);
}

interface Gate {
  decision: PlanLine['decision'];
  reasons: string[];
  runtime?: PlannedInstruction['runtimeCondition'];
}

/** `enable_if: ` before the first line of a condition trace. */
export function labelledTrace(label: 'enable_if' | 'disable_if', trace: readonly string[]): string[] {
  return trace.map((line, i) => (i === 0 ? `${label}: ${line}` : line));
}

function gate(node: InstructionNode, properties: ConfigProperties): Gate {
  const raw = node.enableIf ?? node.disableIf;
  if (raw === undefined) return { decision: 'run', reasons: [] };
  const negate = node.disableIf !== undefined;
  const verdict = evaluateCondition(conditionOf(raw), properties);
  const reasons = labelledTrace(negate ? 'disable_if' : 'enable_if', verdict.trace);
  if (verdict.value === 'deferred') {
    return {
      decision: 'at runtime',
      reasons,
      runtime: { condition: raw, negate, properties: { ...properties } },
    };
  }
  return { decision: verdict.value !== negate ? 'run' : 'skipped', reasons };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * The instruction's own fields as plain JSON (no positions), computed once per loaded value: an
 * IncludeResolver hands every load of a module the same values, so the copies outlive the nodes.
 */
function ownFields(node: InstructionNode): Readonly<Record<string, unknown>> {
  let fields = ownFieldCopies.get(node.fields);
  if (!fields) {
    const own: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node.fields)) if (!commonFields.has(key)) own[key] = value;
    fields = deepFreeze(JSON.parse(JSON.stringify(own)) as Record<string, unknown>);
    ownFieldCopies.set(node.fields, fields);
  }
  return fields;
}

function plannedFrom(node: InstructionNode, at: string | null, runtime: Gate['runtime']): PlannedInstruction {
  const planned: PlannedInstruction = {
    type: node.type,
    at,
    fields: ownFields(node) as Record<string, unknown>,
    executeOn: node.executeOn ?? 'success',
  };
  if (runtime) planned.runtimeCondition = runtime;
  if (node.userMessageOnFailure !== undefined) planned.userMessageOnFailure = node.userMessageOnFailure;
  if (node.maxTimeInSeconds !== undefined) planned.maxTimeInSeconds = node.maxTimeInSeconds;
  if (node.maxTimeBetweenOutput !== undefined) planned.maxTimeBetweenOutput = node.maxTimeBetweenOutput;
  return planned;
}

function planNodes(
  nodes: readonly InstructionNode[],
  properties: ConfigProperties,
  depth: number,
  lines: PlanLine[],
): PlannedInstruction[] {
  const planned: PlannedInstruction[] = [];
  for (const node of nodes) {
    const decided = gate(node, properties);
    const at = node.pos ? formatPos(node.pos) : null;
    const line: PlanLine = {
      depth,
      type: node.type,
      at,
      decision: decided.decision,
      reasons: decided.reasons,
    };
    lines.push(line);
    if (decided.decision === 'skipped') continue;
    // An unknown type or a missing field is an error only when a configuration reaches it.
    const problem = instructionError(node);
    if (problem) throw problem;
    const instruction = plannedFrom(node, at, decided.runtime);
    line.instruction = instruction;
    if (node.type === 'Group')
      instruction.instructions = planNodes(node.children ?? [], properties, depth + 1, lines);
    planned.push(instruction);
  }
  return planned;
}

/** The plan of one phase of `module` on a configuration with these properties. */
export function planPhase(module: ModuleConfig, phase: string, properties: ConfigProperties): PhasePlan {
  const lines: PlanLine[] = [];
  const instructions = planNodes(module.instructions[phase] ?? [], properties, 0, lines);
  return { instructions, lines };
}
