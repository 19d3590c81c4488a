/**
 * Runs a planned instruction list on an agent: walks Groups, honours `executeOn`, decides
 * runtime conditions against the environment built so far, renders templates as it goes, and
 * keeps the first failure (with its `userMessageOnFailure`) as the work item's result.
 *
 * Rules (Coin's source is not public; *inferred* from the real files):
 * - `executeOn: always` runs whatever failed before; `failure` only after a failure; default
 *   only while nothing has failed. A Group's `executeOn` is its children's default.
 * - `executeOn: failure` with `executeOnTarget: <instructionName>` runs only when the instruction
 *   of that name failed; `resetError: target` then clears that failure when this one succeeds
 *   (qtbase `cmake_run_ctest.yaml`: copy LastTest.log, else LastTest.log.tmp).
 * - A cancelled work item stops the walk; ScheduleUploadTestResults' collection runs at the end
 *   either way.
 *
 * Every command a handler starts goes through the context's `commands` (a real process by
 * default): test/integration/plan-equals-run.test.ts injects a recorder and compares what this
 * executor runs with what `coin plan` shows.
 */
import type { FailureKind } from '../core/agent-protocol';
import { evaluateCondition, parseCondition, type Condition } from '../core/coin-files/conditions';
import { renderTemplate } from '../core/coin-files/go-template';
import type { PlannedInstruction, ExecuteOn } from '../core/planned-instruction';
import type { TestResult } from '../core/test-report';
import {
  activateContext,
  templateData,
  type ActiveContext,
  type ExecutionContext,
} from './execution-context';
import { instructionLimits, type Step } from './handlers/handler-kit';
import { InstructionFailure } from './instruction-failure';
import { handlerFor } from './instruction-handlers';
import { collectScheduledTestResults, summarize } from './test-results';

export interface ExecutionFailure {
  kind: FailureKind;
  message: string;
  at: string | null;
}

export interface ExecutionResult {
  passed: boolean;
  failure: ExecutionFailure | null;
  /** Every test result recorded while running (RunQtUnitTest, collected reports). */
  testResults: TestResult[];
}

interface ActiveFailure {
  failure: ExecutionFailure;
  /** The failed instruction's `instructionName`, which executeOnTarget refers to. */
  name: string | undefined;
}

interface WalkState {
  /** Failures not reset, oldest first: the first is the work item's failure. */
  failures: ActiveFailure[];
  cancelled: boolean;
}

const parsedConditions = new WeakMap<object, Condition>();

function conditionOf(raw: unknown): Condition {
  if (typeof raw !== 'object' || raw === null) return parseCondition(raw);
  let parsed = parsedConditions.get(raw);
  if (!parsed) parsedConditions.set(raw, (parsed = parseCondition(raw)));
  return parsed;
}

function effectiveMode(instruction: PlannedInstruction, inherited: ExecuteOn): ExecuteOn {
  return instruction.executeOn === 'success' ? inherited : instruction.executeOn;
}

function wantsToRun(instruction: PlannedInstruction, mode: ExecuteOn, state: WalkState): boolean {
  switch (mode) {
    case 'success':
      return state.failures.length === 0;
    case 'always':
      return true;
    case 'failure': {
      const target = instruction.fields.executeOnTarget;
      if (typeof target === 'string') return state.failures.some((f) => f.name === target);
      return state.failures.length > 0;
    }
  }
}

function runtimeConditionHolds(instruction: PlannedInstruction, ctx: ExecutionContext): boolean {
  if (!instruction.runtimeCondition) return true;
  const { condition, negate, properties } = instruction.runtimeCondition;
  const verdict = evaluateCondition(conditionOf(condition), properties, ctx.env);
  ctx.log(`condition at ${instruction.at ?? '?'}: ${verdict.trace.join('; ')}`);
  return negate ? verdict.value !== true : verdict.value === true;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(
  state: WalkState,
  ctx: ExecutionContext,
  instruction: PlannedInstruction,
  error: unknown,
): void {
  const kind: FailureKind = error instanceof InstructionFailure ? error.kind : 'build';
  const reason = reasonOf(error);
  const userMessage = instruction.userMessageOnFailure?.trim();
  const message = userMessage ? `${userMessage} (${reason})` : reason;
  ctx.log(`FAILED ${instruction.type} at ${instruction.at ?? '?'}: ${message}`);
  const name = instruction.fields.instructionName;
  state.failures.push({
    failure: { kind, message, at: instruction.at },
    name: typeof name === 'string' ? name : undefined,
  });
}

/** The instruction name whose error a success of `instruction` resets, or undefined. */
function resetTarget(instruction: PlannedInstruction): string | undefined {
  const { resetError, executeOnTarget } = instruction.fields;
  if (resetError === undefined) return undefined;
  if (resetError !== 'target')
    throw new InstructionFailure(
      `resetError: ${JSON.stringify(resetError)} is not supported (only "target")`,
    );
  if (typeof executeOnTarget !== 'string')
    throw new InstructionFailure('resetError: target needs an executeOnTarget naming the instruction');
  return executeOnTarget;
}

async function runStep(instruction: PlannedInstruction, ctx: ActiveContext, state: WalkState): Promise<void> {
  ctx.log(`>>> ${instruction.type}${instruction.at ? ` (${instruction.at})` : ''}`);
  try {
    const handler = handlerFor(instruction.type);
    if (!handler)
      throw new InstructionFailure(
        `instruction type ${instruction.type} is not supported by this agent`,
        'system',
      );
    const target = resetTarget(instruction);
    const render = (text: string) => renderTemplate(text, templateData(ctx));
    const step: Step = { instruction, render, limits: instructionLimits(instruction, render) };
    await handler(step, ctx);
    if (target !== undefined) {
      state.failures = state.failures.filter((f) => f.name !== target);
      ctx.log(`the error of "${target}" is reset (resetError: target)`);
    }
  } catch (error) {
    fail(state, ctx, instruction, error);
  }
}

async function runOne(
  instruction: PlannedInstruction,
  ctx: ActiveContext,
  state: WalkState,
  inherited: ExecuteOn,
): Promise<void> {
  if (state.cancelled) return;
  if (ctx.signal.aborted) {
    state.cancelled = true;
    fail(state, ctx, instruction, new InstructionFailure('the work item was cancelled', 'system'));
    return;
  }
  const mode = effectiveMode(instruction, inherited);
  if (!wantsToRun(instruction, mode, state)) return;
  try {
    if (!runtimeConditionHolds(instruction, ctx)) return;
  } catch (error) {
    fail(state, ctx, instruction, error);
    return;
  }
  if (instruction.type !== 'Group') return runStep(instruction, ctx, state);
  for (const child of instruction.instructions ?? []) await runOne(child, ctx, state, mode);
}

async function finish(ctx: ActiveContext, state: WalkState): Promise<void> {
  if (!ctx.run.testResultsScheduled) return;
  try {
    await collectScheduledTestResults(ctx);
  } catch (error) {
    const failure: ExecutionFailure = {
      kind: 'system',
      message: `uploading the test results failed: ${reasonOf(error)}`,
      at: null,
    };
    ctx.log(`FAILED ${failure.message}`);
    state.failures.push({ failure, name: undefined });
  }
  if (ctx.testResults.length > 0) ctx.log(`tests: ${summarize(ctx.testResults)}`);
}

/** Run the list to its end; the result carries the first failure, if any, and the test results. */
export async function executeInstructions(
  instructions: readonly PlannedInstruction[],
  context: ExecutionContext,
): Promise<ExecutionResult> {
  const ctx = activateContext(context);
  const state: WalkState = { failures: [], cancelled: false };
  for (const instruction of instructions) await runOne(instruction, ctx, state, 'success');
  await finish(ctx, state);
  const failure = state.failures[0]?.failure ?? null;
  return { passed: failure === null, failure, testResults: ctx.testResults };
}
