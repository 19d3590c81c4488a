/**
 * Runs a planned instruction list on an agent: walks Groups, honours `executeOn`, decides
 * runtime conditions against the environment built so far, renders templates as it goes, and
 * keeps the first failure (with its `userMessageOnFailure`) as the work item's result.
 */
import type { FailureKind } from '../core/agent-protocol';
import type { PlannedInstruction } from '../core/planned-instruction';
import { evaluateCondition, parseCondition } from '../core/coin-files/conditions';
import { renderTemplate } from '../core/coin-files/go-template';
import { templateData, type ExecutionContext } from './execution-context';
import { InstructionFailure } from './instruction-failure';
import { instructionHandlers } from './instruction-handlers';

export interface ExecutionFailure {
  kind: FailureKind;
  message: string;
  at: string | null;
}

export interface ExecutionResult {
  passed: boolean;
  failure: ExecutionFailure | null;
}

interface WalkState {
  failure: ExecutionFailure | null;
}

function wantsToRun(instruction: PlannedInstruction, state: WalkState): boolean {
  switch (instruction.executeOn) {
    case 'success':
      return state.failure === null;
    case 'failure':
      return state.failure !== null;
    case 'always':
      return true;
  }
}

function runtimeConditionHolds(instruction: PlannedInstruction, ctx: ExecutionContext): boolean {
  if (!instruction.runtimeCondition) return true;
  const { condition, negate, properties } = instruction.runtimeCondition;
  const verdict = evaluateCondition(parseCondition(condition), properties, ctx.env);
  const holds = verdict.value === true;
  ctx.log(`condition at ${instruction.at ?? '?'}: ${verdict.trace.join('; ')}`);
  return negate ? !holds : holds;
}

function toFailure(error: unknown, instruction: PlannedInstruction): ExecutionFailure {
  const kind: FailureKind = error instanceof InstructionFailure ? error.kind : 'build';
  const reason = error instanceof Error ? error.message : String(error);
  const message = instruction.userMessageOnFailure
    ? `${instruction.userMessageOnFailure} (${reason})`
    : reason;
  return { kind, message, at: instruction.at };
}

async function runOne(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  state: WalkState,
): Promise<void> {
  if (!wantsToRun(instruction, state) || !runtimeConditionHolds(instruction, ctx)) return;
  if (instruction.type === 'Group') {
    for (const child of instruction.instructions ?? []) await runOne(child, ctx, state);
    return;
  }
  const handler = instructionHandlers[instruction.type];
  try {
    if (!handler) {
      throw new InstructionFailure(
        `instruction type ${instruction.type} is not supported by local agents yet`,
        'system',
      );
    }
    await handler(instruction, ctx, (text) => renderTemplate(text, templateData(ctx)));
  } catch (error) {
    const failure = toFailure(error, instruction);
    ctx.log(`FAILED ${instruction.type} at ${instruction.at ?? '?'}: ${failure.message}`);
    state.failure ??= failure;
  }
}

/** Run the list to its end; the result carries the first failure, if any. */
export async function executeInstructions(
  instructions: readonly PlannedInstruction[],
  ctx: ExecutionContext,
): Promise<ExecutionResult> {
  const state: WalkState = { failure: null };
  for (const instruction of instructions) await runOne(instruction, ctx, state);
  return { passed: state.failure === null, failure: state.failure };
}
