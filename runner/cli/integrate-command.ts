/** `coin integrate`, `coin tasks`, `coin task`: submit integrations and read the history of a running instance. */
import type { Command } from 'commander';
import path from 'node:path';
import type { TaskRecord } from '../node/store/store-records';
import type { CliIo } from './cli-io';
import { connectInstance, type InstanceClient } from './instance-client';
import { IntegrationProgress } from './integrate-progress';
import { pickWorkItem, resolveTaskId, ShortIdError } from './short-ids';
import { formatTask, formatTasks, taskJson, type TaskDetail } from './task-view';

interface IntegrateOptions {
  ref: string;
  workingDir: string;
  project?: string;
  branch?: string;
  config: string[];
  depsRoot?: string;
  wait?: boolean;
  json?: boolean;
}

const finalStates = new Set(['Passed', 'Failed', 'Cancelled', 'Insignificant']);

function detailOf(client: InstanceClient, id: string): Promise<TaskDetail> {
  return client.get<TaskDetail>(`/api/taskDetail?id=${encodeURIComponent(id)}`);
}

/** Poll the task until it ends; unless quiet, say what its work items do (integrate-progress.ts). */
async function waitForTask(
  client: InstanceClient,
  id: string,
  io: CliIo,
  quiet: boolean,
): Promise<TaskDetail> {
  const progress = quiet
    ? undefined
    : new IntegrationProgress({
        line: (t) => io.err(t),
        raw: (t) => io.errRaw?.(t),
        live: io.terminal === true && io.errRaw !== undefined,
      });
  for (;;) {
    const detail = await detailOf(client, id);
    progress?.update(detail);
    if (finalStates.has(detail.task.state)) {
      progress?.finish(detail);
      return detail;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function integrate(repo: string, opts: IntegrateOptions, io: CliIo): Promise<void> {
  const client = connectInstance(opts.workingDir);
  const body = {
    repo: path.resolve(repo),
    ref: opts.ref,
    project: opts.project,
    branch: opts.branch,
    configs: opts.config,
    depsRoot: opts.depsRoot ? path.resolve(opts.depsRoot) : undefined,
  };
  const response = await client.post<{ id?: string; task?: TaskRecord; error?: string }>(
    '/api/integrations',
    body,
  );
  if (response.status === 400)
    throw io.usageError(response.body.error ?? 'the instance refused the integration');
  if (response.status !== 201 || !response.body.id)
    throw new Error(response.body.error ?? `HTTP ${response.status}`);
  const id = response.body.id;
  if (!opts.wait) {
    const detail = await detailOf(client, id);
    io.out(opts.json ? JSON.stringify(taskJson(detail), null, 2) : `queued task ${id}`);
    return;
  }
  if (!opts.json) io.err(`task ${id} queued (coin task ${id.slice(0, 8)} shows it)`);
  const detail = await waitForTask(client, id, io, opts.json === true);
  io.out(opts.json ? JSON.stringify(taskJson(detail), null, 2) : formatTask(detail));
  io.setExitCode(detail.task.state === 'Passed' ? 0 : 1);
}

/** Register `coin integrate`, `coin tasks` and `coin task`. */
export function addIntegrateCommands(program: Command, io: CliIo): void {
  program
    .command('integrate <repo>')
    .description('integrate a local git repository at a ref on the running instance of --working-dir')
    .requiredOption('--ref <ref>', 'branch, tag or sha to integrate')
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--project <owner/repo>', 'project name (default: the last two components of the path)')
    .option('--branch <name>', 'branch name to report (default: the ref)')
    .option(
      '--config <id>',
      'platform configuration (repeatable; default: this host)',
      (v, all: string[]) => [...all, v],
      [],
    )
    .option('--deps-root <dir>', 'where dependencies named in dependencies.yaml are checked out')
    .option('--wait', 'wait for the result: exit 0 when it passed, 1 when it failed')
    .option('--json', 'print the task as JSON')
    .action((repo: string, opts: IntegrateOptions) => integrate(repo, opts, io));
  program
    .command('tasks')
    .description('list the tasks of the running instance, newest first')
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--max <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { workingDir: string; max: string; json?: boolean }) => {
      const page = await connectInstance(opts.workingDir).get<{ tasks: TaskRecord[] }>(
        `/api/tasks?max=${encodeURIComponent(opts.max)}`,
      );
      io.out(opts.json ? JSON.stringify(page, null, 2) : formatTasks(page.tasks));
    });
  program
    .command('task <id>')
    .description('show a task with its work items, or one work item log (ids: any unique start)')
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--log <workitem>', 'print the log of this work item (a unique start of its id or name)')
    .option('--json', 'print JSON')
    .action((id: string, opts: TaskOptions) => showTask(id, opts, io));
}

interface TaskOptions {
  workingDir: string;
  log?: string;
  json?: boolean;
}

/** `coin task ID [--log WORKITEM]`: ids resolved like git's short ids (short-ids.ts). */
async function showTask(given: string, opts: TaskOptions, io: CliIo): Promise<void> {
  const client = connectInstance(opts.workingDir);
  const dir = path.resolve(opts.workingDir);
  try {
    const detail = await detailOf(client, await resolveTaskId(client, given, dir));
    if (opts.log === undefined)
      return io.out(opts.json ? JSON.stringify(taskJson(detail), null, 2) : formatTask(detail));
    const item = pickWorkItem(opts.log, detail.task.id, detail.workItems);
    io.out(await client.getText(`/api/workitems/${encodeURIComponent(item.id)}/log`));
  } catch (error) {
    if (error instanceof ShortIdError) throw io.usageError(error.message);
    throw error;
  }
}
