/**
 * The parts of an instance's read API the configuration editor uses (the task list and a task's
 * detail), over the dashboard URL the Instances services give: direct for a local instance,
 * through the profile's SSH tunnel for a remote one. The client is runner/client's.
 */
import { InstanceClient } from '../../../runner/client/instance-client';
import type { TaskDetail, TaskPage } from '../../../runner/core/instance-api';

/** What the editor reads from an instance (the HTTP client, or a fake in tests). */
export interface InstanceReader {
  /** A page of tasks, newest first. */
  tasks(query: { start: number; max: number }): Promise<TaskPage>;
  /** A task with its work items. */
  taskDetail(id: string): Promise<Pick<TaskDetail, 'task' | 'workItems'>>;
}

/** An instance's read API at its dashboard URL (`http://127.0.0.1:PORT/coin/`). */
export function instanceReader(dashboardUrl: string, timeoutMs = 10_000): InstanceReader {
  return new InstanceClient({ root: dashboardUrl, timeoutMs });
}
