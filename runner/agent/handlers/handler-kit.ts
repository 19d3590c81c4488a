/** What every instruction handler shares: its signature, field readers, paths and time limits. */
import path from 'node:path';
import {
  defaultLimits,
  instructionLimits as coreLimits,
  LimitError,
  type Limits as CoreLimits,
} from '../../core/instruction-limits';
import type { PlannedInstruction } from '../../core/planned-instruction';
import type { ActiveContext } from '../execution-context';
import { InstructionFailure } from '../instruction-failure';

/** Renders a template string against the current context. */
export type Render = (text: string) => string;

/** The two limits every instruction may carry, in seconds (0: none). */
export type Limits = CoreLimits;

/** One instruction about to run: the instruction, its renderer and its rendered limits. */
export interface Step {
  readonly instruction: PlannedInstruction;
  readonly render: Render;
  readonly limits: Limits;
}

/** What one instruction type does on an agent. Throws InstructionFailure when it fails. */
export type InstructionHandler = (step: Step, ctx: ActiveContext) => Promise<void>;

export { defaultLimits };

/** A required string field (numbers are accepted as their text), rendered. */
export function stringField(step: Step, name: string): string {
  const value = step.instruction.fields[name];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InstructionFailure(`${step.instruction.type} needs a '${name}' field`, 'build');
  }
  return step.render(String(value));
}

/** An optional string field, rendered; undefined when absent. */
export function optionalField(step: Step, name: string): string | undefined {
  return step.instruction.fields[name] === undefined ? undefined : stringField(step, name);
}

/** A yes/no field: YAML true/false, or the strings "true"/"false" (any case). */
export function booleanField(step: Step, name: string): boolean {
  const value = step.instruction.fields[name];
  if (value === undefined || value === null || value === false) return false;
  if (value === true) return true;
  if (typeof value === 'string') {
    const text = step.render(value).trim().toLowerCase();
    if (text === 'true' || text === 'false' || text === '') return text === 'true';
  }
  throw new InstructionFailure(
    `${step.instruction.type}: '${name}' must be true or false, not ${JSON.stringify(value)}`,
  );
}

/** A command field: a string (split later) or an argv list of strings. */
export function commandField(step: Step, name: string): string | string[] {
  const value = step.instruction.fields[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0) return value.map((v) => String(v));
  throw new InstructionFailure(`${step.instruction.type} needs a '${name}' (a command string or a list)`);
}

/** A path of an instruction, absolute: relative ones are taken from `base` (the working directory). */
export function resolvePath(base: string, target: string): string {
  return path.resolve(base, target);
}

/** Both limits of an instruction, rendered (runner/core/instruction-limits.ts, which `coin plan` shows too). */
export function instructionLimits(instruction: PlannedInstruction, render: Render): Limits {
  try {
    return coreLimits(instruction, render);
  } catch (error) {
    if (error instanceof LimitError) throw new InstructionFailure(error.message);
    throw error;
  }
}
