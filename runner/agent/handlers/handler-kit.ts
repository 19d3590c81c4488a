/** What every instruction handler shares: its signature, field readers, paths and time limits. */
import path from 'node:path';
import type { PlannedInstruction } from '../../core/planned-instruction';
import type { ActiveContext } from '../execution-context';
import { InstructionFailure } from '../instruction-failure';

/** Renders a template string against the current context. */
export type Render = (text: string) => string;

/** The two limits every instruction may carry, in seconds (0: none). */
export interface Limits {
  maxTimeInSeconds: number;
  maxTimeBetweenOutput: number;
}

/** One instruction about to run: the instruction, its renderer and its rendered limits. */
export interface Step {
  readonly instruction: PlannedInstruction;
  readonly render: Render;
  readonly limits: Limits;
}

/** What one instruction type does on an agent. Throws InstructionFailure when it fails. */
export type InstructionHandler = (step: Step, ctx: ActiveContext) => Promise<void>;

/** Default limits when an instruction sets none (seconds): generous, but a hung build still ends. */
export const defaultLimits: Readonly<Limits> = { maxTimeInSeconds: 4 * 3600, maxTimeBetweenOutput: 3600 };

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

/**
 * One limit, rendered: a number, a template such as "{{.Env.CMAKE_BUILD_TIMEOUT}}", or absent.
 * Absent or rendered empty: the default. Anything else that is not a positive number is a mistake
 * in the instructions and fails them, naming what it rendered to.
 */
export function renderLimit(
  name: keyof Limits,
  value: string | number | undefined,
  fallback: number,
  render: Render,
): number {
  if (value === undefined) return fallback;
  const text = typeof value === 'number' ? String(value) : render(value).trim();
  if (text === '') return fallback;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    const shown =
      typeof value === 'string' && value !== text ? `"${value}" rendered to "${text}"` : `"${text}"`;
    throw new InstructionFailure(`${name} ${shown} is not a positive number of seconds`);
  }
  return seconds;
}

/** Both limits of an instruction, rendered. */
export function instructionLimits(instruction: PlannedInstruction, render: Render): Limits {
  return {
    maxTimeInSeconds: renderLimit(
      'maxTimeInSeconds',
      instruction.maxTimeInSeconds,
      defaultLimits.maxTimeInSeconds,
      render,
    ),
    maxTimeBetweenOutput: renderLimit(
      'maxTimeBetweenOutput',
      instruction.maxTimeBetweenOutput,
      defaultLimits.maxTimeBetweenOutput,
      render,
    ),
  };
}
