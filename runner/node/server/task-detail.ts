/**
 * GET api/taskDetail: a task, its work items, and the classified failure of each one that failed
 * (runner/core/failure-classification.ts), with the failing tests read from its results.
 */
import { classifyFailure, type WorkItemFailure } from '../../core/failure-classification';
import type { TestResult } from '../../core/test-report';
import type { LogStore } from '../store/log-store';
import type { SqliteStore } from '../store/sqlite-store';
import type { TaskRecord, WorkItemRecord } from '../store/store-records';

/** What GET api/taskDetail answers. */
export interface TaskDetailAnswer {
  task: TaskRecord;
  workItems: WorkItemRecord[];
  /** The failed (or insignificant) work items, in work item order: the first is why the task failed. */
  failures: WorkItemFailure[];
}

/** The task's detail, or undefined when there is no such task. */
export async function taskDetail(
  deps: { store: SqliteStore; logs: LogStore },
  id: string,
): Promise<TaskDetailAnswer | undefined> {
  const task = deps.store.getTask(id);
  if (!task) return undefined;
  const workItems = deps.store.workItemsOf(id);
  const failures: WorkItemFailure[] = [];
  for (const item of workItems) {
    if (item.state !== 'Failed' && item.state !== 'Insignificant') continue;
    const tests =
      item.kind === 'test' ? ((await deps.logs.readTestResults(item.id)) as TestResult[]) : undefined;
    const failure = classifyFailure({
      phase: item.kind,
      state: item.state,
      reportedKind: item.failureKind,
      reason: item.failureReason,
      tests,
    });
    if (failure) failures.push({ workItemId: item.id, ...failure });
  }
  return { task, workItems, failures };
}
