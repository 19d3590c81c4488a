/** `coin integrate`, `coin tasks`, `coin task`: submit integrations and read the history of a running instance. */
import type { Command } from 'commander';
import path from 'node:path';
import type { InstanceClient } from '../client/instance-client';
import { InstanceRefusedError } from '../client/instance-errors';
import { connectWorkingDir } from '../client/working-dir-instance';
import type { IntegrationRequest, TaskDetail } from '../core/instance-api';
import { taskSummary } from '../core/task-summary';
import { testResultFormats, type TestResultFormat } from '../core/test-results-export';
import type { CliIo } from './cli-io';
import { startTaskWait } from './integrate-wait';
import { pickWorkItem, resolveTaskId, ShortIdError } from './short-ids';
import { formatTask } from './task-view';

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

const asJson = (detail: TaskDetail) => JSON.stringify(taskSummary(detail), null, 2);

/** Submit; the instance's refusal of what was asked (400) is a usage error. */
async function submit(client: InstanceClient, request: IntegrationRequest, io: CliIo): Promise<string> {
  try {
    return (await client.submitIntegration(request)).id;
  } catch (error) {
    if (error instanceof InstanceRefusedError && error.status === 400)
      throw io.usageError(error.reason ?? error.message);
    throw error;
  }
}

async function integrate(repo: string, opts: IntegrateOptions, io: CliIo): Promise<void> {
  const client = connectWorkingDir(opts.workingDir);
  const request = {
    repo: path.resolve(repo),
    ref: opts.ref,
    project: opts.project,
    branch: opts.branch,
    configs: opts.config,
    depsRoot: opts.depsRoot ? path.resolve(opts.depsRoot) : undefined,
  };
  if (!opts.wait) {
    const id = await submit(client, request, io);
    io.out(opts.json ? asJson(await client.taskDetail(id)) : `queued task ${id}`);
    return;
  }
  // Follow the events before submitting, so that none of the task's can be missed. Meanwhile a
  // first request loads Node's HTTP client (about 40 ms of CPU on first use), which would
  // otherwise be loaded by the submission, beside the instance starting the task and its agents.
  const [wait] = await Promise.all([
    startTaskWait(client, {
      quiet: opts.json === true,
      line: (text) => io.err(text),
      raw: io.errRaw ? (text: string) => io.errRaw?.(text) : undefined,
      terminal: io.terminal === true,
    }),
    client.answers(),
  ]);
  try {
    const id = await submit(client, request, io);
    if (!opts.json) io.err(`task ${id} queued (coin task ${id.slice(0, 8)} shows it)`);
    const detail = await wait.until(id);
    io.out(opts.json ? asJson(detail) : formatTask(detail));
    io.setExitCode(detail.task.state === 'Passed' ? 0 : 1);
  } finally {
    await wait.stop();
  }
}

/** Register `coin integrate` and `coin task` (`coin tasks`: tasks-command.ts). */
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
    .command('task <id>')
    .description('show a task with its work items, or one work item log (ids: any unique start)')
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--log <workitem>', 'print the log of this work item (a unique start of its id or name)')
    .option('--test-results', 'print its test results: JSON lines, or JUnit XML with --format junit')
    .option('--format <format>', 'with --test-results: jsonl (default) or junit', 'jsonl')
    .option('--json', 'print JSON')
    .action((id: string, opts: TaskOptions) => showTask(id, opts, io));
}

interface TaskOptions {
  workingDir: string;
  log?: string;
  testResults?: boolean;
  format: string;
  json?: boolean;
}

/** `coin task ID --test-results`: the instance's export (runner/core/test-results-export.ts) as it is. */
async function printTestResults(
  client: InstanceClient,
  id: string,
  format: string,
  io: CliIo,
): Promise<void> {
  if (!Object.hasOwn(testResultFormats, format))
    throw io.usageError(`--format takes ${Object.keys(testResultFormats).join(' or ')}, got '${format}'`);
  const text = await client.testResults(id, format as TestResultFormat);
  if (text === '') io.err(`task ${id} has no test results`);
  else io.out(text);
}

/** `coin task ID [--log WORKITEM]`: ids resolved like git's short ids (short-ids.ts). */
async function showTask(given: string, opts: TaskOptions, io: CliIo): Promise<void> {
  const client = connectWorkingDir(opts.workingDir);
  const dir = path.resolve(opts.workingDir);
  try {
    const id = await resolveTaskId(client, given, dir);
    if (opts.testResults) return await printTestResults(client, id, opts.format, io);
    const detail = await client.taskDetail(id);
    if (opts.log === undefined) return io.out(opts.json ? asJson(detail) : formatTask(detail));
    const item = pickWorkItem(opts.log, detail.task.id, detail.workItems);
    io.out(await client.workItemLog(item.id));
  } catch (error) {
    if (error instanceof ShortIdError) throw io.usageError(error.message);
    throw error;
  }
}
