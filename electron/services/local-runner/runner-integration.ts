/**
 * Integrations on a running local runner, through its own API: the port from DIR/coin.lock and
 * the admin token from DIR/admin-token (runner/cli/instance-client.ts, the client `coin integrate`
 * uses), so the app submits exactly what the CLI would.
 */
import path from 'node:path';
import { connectInstance, NoInstanceError, type InstanceClient } from '../../../runner/cli/instance-client';
import type { TaskDetail } from '../../../runner/cli/task-view';
import type { TaskRecord } from '../../../runner/node/store/store-records';
import { DeskError } from '../../common/desk-api';
import type { RunnerTask } from '../../common/local-runner-contract';

/** What to integrate: a local git repository at a ref. */
export interface IntegrationRequest {
  repo: string;
  ref: string;
  project?: string;
  branch?: string;
}

function clientOf(workingDir: string): InstanceClient {
  try {
    return connectInstance(workingDir);
  } catch (error) {
    if (error instanceof NoInstanceError) throw new DeskError('failed', error.message);
    throw error;
  }
}

async function answerOf<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof DeskError) throw error;
    throw new DeskError('failed', (error as Error).message);
  }
}

/** Queue the integration on the runner of `workingDir`; resolves to the task id. */
export async function submitIntegration(workingDir: string, request: IntegrationRequest): Promise<string> {
  if (!path.isAbsolute(request.repo))
    throw new DeskError('bad-input', `the repository must be an absolute path, got '${request.repo}'`);
  const client = clientOf(workingDir);
  const body = { repo: request.repo, ref: request.ref, project: request.project, branch: request.branch };
  const response = await answerOf(client.post<{ id?: string; error?: string }>('/api/integrations', body));
  if (response.status === 400)
    throw new DeskError('bad-input', response.body.error ?? 'the runner refused the integration');
  if (response.status !== 201 || !response.body.id)
    throw new DeskError('failed', response.body.error ?? `the runner answered HTTP ${response.status}`);
  return response.body.id;
}

/** A task of the runner of `workingDir`, with its work items and its dashboard page. */
export async function readRunnerTask(workingDir: string, taskId: string): Promise<RunnerTask> {
  const client = clientOf(workingDir);
  const detail = await answerOf(client.get<TaskDetail>(`/api/taskDetail?id=${encodeURIComponent(taskId)}`));
  return runnerTaskOf(detail, `${client.baseUrl}/#/tasks/${encodeURIComponent(taskId)}`);
}

/** The latest tasks of the runner of `workingDir`, newest first. */
export async function recentRunnerTasks(workingDir: string, max = 20): Promise<TaskRecord[]> {
  const page = await answerOf(clientOf(workingDir).get<{ tasks: TaskRecord[] }>(`/api/tasks?max=${max}`));
  return page.tasks;
}

/** The API's task detail as the UI shows it. */
export function runnerTaskOf(detail: TaskDetail, url: string): RunnerTask {
  const { task, workItems } = detail;
  return {
    id: task.id,
    project: task.project,
    branch: task.branch,
    sha: task.sha,
    state: task.state,
    reason: task.resultReason,
    created: task.created,
    finished: task.finished,
    url,
    workItems: workItems.map((w) => ({
      id: w.id,
      kind: w.kind,
      configuration: w.configurationId,
      state: w.state,
      reused: w.reused,
      failure: w.failureReason ? `${w.failureKind ?? 'failure'}: ${w.failureReason}` : null,
    })),
  };
}
