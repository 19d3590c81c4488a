/** `coin integrate`, `coin tasks`, `coin task`: submit integrations and read the history of a running instance. */
import type { Command } from 'commander';
import path from 'node:path';
import type { TaskRecord } from '../node/store/store-records';
import type { CliIo } from './cli-io';
import { connectInstance, type InstanceClient } from './instance-client';
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

async function waitForTask(
  client: InstanceClient,
  id: string,
  io: CliIo,
  quiet: boolean,
): Promise<TaskDetail> {
  const seen = new Map<string, string>();
  for (;;) {
    const detail = await client.get<TaskDetail>(`/api/taskDetail?id=${encodeURIComponent(id)}`);
    for (const item of detail.workItems) {
      const state = item.state + (item.reused ? ' (reused)' : '');
      if (!quiet && seen.get(item.id) !== state) io.err(`${item.kind} ${item.configurationId}: ${state}`);
      seen.set(item.id, state);
    }
    if (finalStates.has(detail.task.state)) return detail;
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
    const detail = await client.get<TaskDetail>(`/api/taskDetail?id=${encodeURIComponent(id)}`);
    io.out(opts.json ? JSON.stringify(taskJson(detail), null, 2) : `queued task ${id}`);
    return;
  }
  if (!opts.json) io.err(`task ${id} queued`);
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
    .description('show a task with its work items, or one work item log')
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--log <workitem>', 'print the log of this work item')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { workingDir: string; log?: string; json?: boolean }) => {
      const client = connectInstance(opts.workingDir);
      if (opts.log) return io.out(await client.getText(`/api/workitems/${encodeURIComponent(opts.log)}/log`));
      const detail = await client.get<TaskDetail>(`/api/taskDetail?id=${encodeURIComponent(id)}`);
      io.out(opts.json ? JSON.stringify(taskJson(detail), null, 2) : formatTask(detail));
    });
}
