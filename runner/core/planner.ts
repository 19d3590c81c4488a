/**
 * Planning: which configurations a module runs on, and the instruction list of a phase on one
 * configuration, with every plan-time condition decided and the reasons kept (`coin plan` prints
 * them). Runtime conditions stay in the plan for the agent.
 */
import { evaluateCondition, parseCondition, type ConditionResult } from './coin-files/conditions';
import type { ConfigProperties } from './coin-files/config-properties';
import { instructionError, type InstructionNode } from './coin-files/instruction-tree';
import type { ModuleConfig } from './coin-files/module-config';
import { formatPos } from './coin-files/source-pos';
import type { PlannedInstruction } from './planned-instruction';

/** Why one instruction is or is not in the plan. */
export interface PlanLine {
  depth: number;
  type: string;
  at: string | null;
  decision: 'run' | 'skipped' | 'at runtime';
  reasons: string[];
}

export interface PhasePlan {
  instructions: PlannedInstruction[];
  lines: PlanLine[];
}

/** Fields every instruction may carry; the rest are the instruction's own. */
const commonFields = new Set([
  'type',
  'enable_if',
  'disable_if',
  'executeOn',
  'userMessageOnFailure',
  'maxTimeInSeconds',
  'maxTimeBetweenOutput',
  'instructions',
]);

/** Whether `module` runs on a configuration with these properties (no accept_configuration: yes). */
export function acceptsConfiguration(module: ModuleConfig, properties: ConfigProperties): ConditionResult {
  if (module.acceptConfiguration === undefined) return { value: true, trace: ['no accept_configuration -> true'] };
  return evaluateCondition(parseCondition(module.acceptConfiguration), properties);
}

interface Gate {
  decision: PlanLine['decision'];
  reasons: string[];
  runtime?: PlannedInstruction['runtimeCondition'];
}

function gate(node: InstructionNode, properties: ConfigProperties): Gate {
  const raw = node.enableIf ?? node.disableIf;
  if (raw === undefined) return { decision: 'run', reasons: [] };
  const negate = node.disableIf !== undefined;
  const verdict = evaluateCondition(parseCondition(raw), properties);
  const label = negate ? 'disable_if' : 'enable_if';
  const reasons = [`${label}: ${verdict.trace.join(' / ')}`];
  if (verdict.value === 'deferred') {
    return { decision: 'at runtime', reasons, runtime: { condition: raw, negate, properties: { ...properties } } };
  }
  return { decision: verdict.value !== negate ? 'run' : 'skipped', reasons };
}

function ownFields(node: InstructionNode): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node.fields)) if (!commonFields.has(key)) fields[key] = value;
  return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
}

function plannedFrom(node: InstructionNode, runtime: Gate['runtime'], children?: PlannedInstruction[]): PlannedInstruction {
  const planned: PlannedInstruction = {
    type: node.type,
    at: node.pos ? formatPos(node.pos) : null,
    fields: ownFields(node),
    executeOn: node.executeOn ?? 'success',
  };
  if (runtime) planned.runtimeCondition = runtime;
  if (node.userMessageOnFailure !== undefined) planned.userMessageOnFailure = node.userMessageOnFailure;
  if (node.maxTimeInSeconds !== undefined) planned.maxTimeInSeconds = node.maxTimeInSeconds;
  if (node.maxTimeBetweenOutput !== undefined) planned.maxTimeBetweenOutput = node.maxTimeBetweenOutput;
  if (children) planned.instructions = children;
  return planned;
}

function planNodes(nodes: readonly InstructionNode[], properties: ConfigProperties, depth: number, lines: PlanLine[]): PlannedInstruction[] {
  const planned: PlannedInstruction[] = [];
  for (const node of nodes) {
    const decided = gate(node, properties);
    lines.push({ depth, type: node.type, at: node.pos ? formatPos(node.pos) : null, decision: decided.decision, reasons: decided.reasons });
    if (decided.decision === 'skipped') continue;
    // An unknown type or a missing field is an error only when a configuration reaches it.
    const problem = instructionError(node);
    if (problem) throw problem;
    const children = node.type === 'Group' ? planNodes(node.children ?? [], properties, depth + 1, lines) : undefined;
    planned.push(plannedFrom(node, decided.runtime, children));
  }
  return planned;
}

/** The plan of one phase of `module` on a configuration with these properties. */
export function planPhase(module: ModuleConfig, phase: 'Build' | 'Test', properties: ConfigProperties): PhasePlan {
  const lines: PlanLine[] = [];
  const instructions = planNodes(module.instructions[phase], properties, 0, lines);
  return { instructions, lines };
}
