/**
 * Integrations on a running local runner, through its own API with the client `coin integrate`
 * uses (runner/client: the port from the directory's lock, the admin token from its token file),
 * so the app submits exactly what the CLI would and shows a task as `coin task --json` prints it.
 */
import path from 'node:path';
import type { InstanceClient } from '../../../runner/client/instance-client';
import { InstanceRefusedError } from '../../../runner/client/instance-errors';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { instancePaths, type TaskDetail, type TaskRecord } from '../../../runner/core/instance-api';
import { taskSummary } from '../../../runner/core/task-summary';
import { DeskError } from '../../common/desk-api';
import type { RunnerTask } from '../../common/local-runner-contract';

/** What to integrate: a local git repository at a ref. */
export interface IntegrationRequest {
  repo: string;
  ref: string;
  project?: string;
  branch?: string;
}

/** The client's errors as DeskErrors: the runner's refusal of the input is a bad input. */
async function answerOf<T>(call: (client: InstanceClient) => Promise<T>, workingDir: string): Promise<T> {
  try {
    return await call(connectWorkingDir(workingDir));
  } catch (error) {
    if (error instanceof DeskError) throw error;
    if (error instanceof InstanceRefusedError && error.status === 400)
      throw new DeskError('bad-input', error.reason ?? error.message);
    throw new DeskError('failed', (error as Error).message);
  }
}

/** Queue the integration on the runner of `workingDir`; resolves to the task id. */
export async function submitIntegration(workingDir: string, request: IntegrationRequest): Promise<string> {
  if (!path.isAbsolute(request.repo))
    throw new DeskError('bad-input', `the repository must be an absolute path, got '${request.repo}'`);
  const { repo, ref, project, branch } = request;
  const answer = await answerOf(
    (client) => client.submitIntegration({ repo, ref, project, branch }),
    workingDir,
  );
  return answer.id;
}

/** A task of the runner of `workingDir`, with its work items and its dashboard page. */
export async function readRunnerTask(workingDir: string, taskId: string): Promise<RunnerTask> {
  return answerOf(
    async (client) =>
      runnerTaskOf(await client.taskDetail(taskId), client.url(instancePaths.taskPage(taskId))),
    workingDir,
  );
}

/** The latest tasks of the runner of `workingDir`, newest first. */
export async function recentRunnerTasks(workingDir: string, max = 20): Promise<TaskRecord[]> {
  return [...(await answerOf((client) => client.tasks({ max }), workingDir)).tasks];
}

/** The API's task detail as the UI shows it: the CLI's summary (runner/core/task-summary.ts) and its page. */
export function runnerTaskOf(detail: TaskDetail, url: string): RunnerTask {
  return { ...taskSummary(detail), url };
}
