/**
 * A task as plain JSON for people and programs: what `coin task --json` and `coin integrate
 * --json` print and what the desktop app shows of an integration on its local runner. One
 * mapping from the instance's task detail (GET api/taskDetail), so the two always agree.
 */
import * as z from 'zod';
import { classifyWorkItems, failureClasses, type WorkItemFailure } from './failure-classification';
import { taskStates, workItemStates } from './model';
import { workItemKindSchema } from './records';
import type { TaskDetail } from './instance-api-schemas';

/** Why a work item failed: its class and reason, and the classified parts when it has them. */
export const workItemFailureSummarySchema = z.object({
  kind: z.enum(failureClasses).nullable(),
  reason: z.string(),
  failedTests: z
    .array(z.object({ name: z.string(), message: z.string().nullable(), attempts: z.number() }).readonly())
    .readonly()
    .optional(),
  failedTestCount: z.number().optional(),
  message: z.string().optional(),
  cause: z.string().nullable().optional(),
  command: z.string().nullable().optional(),
  at: z.string().nullable().optional(),
});
export type WorkItemFailureSummary = z.infer<typeof workItemFailureSummarySchema>;

/** A task and its work items. */
export const taskSummarySchema = z.object({
  id: z.string(),
  project: z.string(),
  branch: z.string(),
  sha: z.string().nullable(),
  state: z.enum(taskStates),
  reason: z.string().nullable(),
  created: z.string(),
  started: z.string().nullable(),
  finished: z.string().nullable(),
  workItems: z.array(
    z.object({
      id: z.string(),
      kind: workItemKindSchema,
      configuration: z.string(),
      state: z.enum(workItemStates),
      reused: z.boolean(),
      started: z.string().nullable(),
      finished: z.string().nullable(),
      failure: workItemFailureSummarySchema.nullable(),
    }),
  ),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

/** The classified failures of the task: the instance's, or classified here (without test results). */
export function failuresOf(detail: TaskDetail): readonly WorkItemFailure[] {
  return detail.failures ?? classifyWorkItems(detail.workItems);
}

/** The task detail as a summary. */
export function taskSummary(detail: TaskDetail): TaskSummary {
  const { task, workItems } = detail;
  const failures = new Map(failuresOf(detail).map((f) => [f.workItemId, f]));
  return {
    id: task.id,
    project: task.project,
    branch: task.branch,
    sha: task.sha,
    state: task.state,
    reason: task.resultReason,
    created: task.created,
    started: task.started,
    finished: task.finished,
    workItems: workItems.map((w) => {
      const classified = failures.get(w.id);
      const { workItemId: _, ...parts } = classified ?? { workItemId: '' };
      return {
        id: w.id,
        kind: w.kind,
        configuration: w.configurationId,
        state: w.state,
        reused: w.reused,
        started: w.started,
        finished: w.finished,
        failure: w.failureReason
          ? { kind: classified?.kind ?? w.failureKind, reason: w.failureReason, ...parts }
          : null,
      };
    }),
  };
}

/** One line for a work item's failure: `build: cc: error`. */
export function failureLine(failure: WorkItemFailureSummary): string {
  return `${failure.kind ?? 'failure'}: ${failure.reason}`;
}
