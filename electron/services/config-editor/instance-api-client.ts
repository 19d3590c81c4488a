/**
 * The parts of an instance's read API the configuration editor uses (`<base>/api/tasks`,
 * `<base>/api/taskDetail`), over the dashboard URL the Instances services give: direct for a local
 * instance, through the profile's SSH tunnel for a remote one.
 */
import type { TaskPage, TaskRecord, WorkItemRecord } from '../../../runner/core/records';

/** What the editor reads from an instance (the HTTP client, or a fake in tests). */
export interface InstanceReader {
  /** A page of tasks, newest first. */
  tasks(query: { start: number; max: number }): Promise<TaskPage>;
  /** A task with its work items. */
  taskDetail(id: string): Promise<{ task: TaskRecord; workItems: WorkItemRecord[] }>;
}

/** An instance's read API at its dashboard URL (`http://127.0.0.1:PORT/coin/`). */
export class InstanceApiClient implements InstanceReader {
  constructor(
    private readonly dashboardUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** A page of tasks, newest first. */
  tasks(query: { start: number; max: number }): Promise<TaskPage> {
    return this.get<TaskPage>(`api/tasks?start=${query.start}&max=${query.max}`);
  }

  /** A task with its work items. */
  taskDetail(id: string): Promise<{ task: TaskRecord; workItems: WorkItemRecord[] }> {
    return this.get(`api/taskDetail?id=${encodeURIComponent(id)}`);
  }

  private async get<T>(relative: string): Promise<T> {
    const base = this.dashboardUrl.endsWith('/') ? this.dashboardUrl : `${this.dashboardUrl}/`;
    const response = await fetch(new URL(relative, base), { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!response.ok) throw new Error(`${relative.split('?')[0]} answered HTTP ${response.status}`);
    return (await response.json()) as T;
  }
}
