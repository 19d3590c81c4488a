/**
 * An instruction as the planner hands it to an agent: plain JSON (positions flattened to an
 * `at` string), conditions that could be decided at plan time already applied, runtime
 * conditions kept for the agent, Group children inline.
 */

/** When an instruction runs, relative to the failure of an earlier one. */
export type ExecuteOn = 'success' | 'failure' | 'always';

export interface PlannedInstruction {
  type: string;
  /** file:line:column of the instruction, for messages. */
  at: string | null;
  /** The instruction's own fields (command, variableName, ...), templates not yet rendered. */
  fields: Record<string, unknown>;
  /**
   * An enable_if/disable_if that needs the runtime environment: the raw condition, whether it
   * disables, and the configuration's properties (an and/or may mix both kinds).
   */
  runtimeCondition?: { condition: unknown; negate: boolean; properties: Record<string, unknown> };
  executeOn: ExecuteOn;
  userMessageOnFailure?: string;
  maxTimeInSeconds?: string | number;
  maxTimeBetweenOutput?: string | number;
  /** The children of a Group. */
  instructions?: PlannedInstruction[];
}
