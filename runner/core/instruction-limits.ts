/**
 * The two time limits of an instruction, rendered: the agent enforces them and `coin plan` shows
 * them, from this one function. A limit may be a number, a template such as
 * "{{.Env.CMAKE_BUILD_TIMEOUT}}", or absent.
 */
import type { PlannedInstruction } from './planned-instruction';

/** The two limits every instruction may carry, in seconds. */
export interface Limits {
  maxTimeInSeconds: number;
  maxTimeBetweenOutput: number;
}

/** Default limits when an instruction sets none (seconds): generous, but a hung build still ends. */
export const defaultLimits: Readonly<Limits> = { maxTimeInSeconds: 4 * 3600, maxTimeBetweenOutput: 3600 };

/** A limit that renders to something other than a positive number of seconds. */
export class LimitError extends Error {}

/**
 * One limit, rendered. Absent or rendered empty: the fallback. Anything else that is not a
 * positive number is a mistake in the instructions, named with what it rendered to.
 */
export function renderLimit(
  name: keyof Limits,
  value: string | number | undefined,
  fallback: number,
  render: (text: string) => string,
): number {
  if (value === undefined) return fallback;
  const text = typeof value === 'number' ? String(value) : render(value).trim();
  if (text === '') return fallback;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    const shown =
      typeof value === 'string' && value !== text ? `"${value}" rendered to "${text}"` : `"${text}"`;
    throw new LimitError(`${name} ${shown} is not a positive number of seconds`);
  }
  return seconds;
}

/** Both limits of an instruction, rendered; LimitError for a limit that is not a number of seconds. */
export function instructionLimits(
  instruction: Pick<PlannedInstruction, 'maxTimeInSeconds' | 'maxTimeBetweenOutput'>,
  render: (text: string) => string,
): Limits {
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
