/**
 * `coin tasks` (the task list, and `--search` with every filter of the instance's task search)
 * and `coin tests` (a test's history, `--flaky` the flakiest tests): reading the history of a
 * running instance.
 */
import type { Command } from 'commander';
import { connectWorkingDir } from '../client/working-dir-instance';
import type { TestHistory, TestListEntry } from '../core/instance-api-history';
import type { CliIo } from './cli-io';
import { formatTasks } from './task-view';
import { textTable } from './text-table';

interface TasksOptions {
  workingDir: string;
  max: string;
  json?: boolean;
  search?: string;
  project?: string;
  branch?: string;
  sha?: string;
  change?: string;
  state?: string;
  failure?: string;
  since?: string;
  until?: string;
}

function wholeNumber(value: string, option: string, io: CliIo): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw io.usageError(`${option} must be a whole number >= 1, got '${value}'`);
  return n;
}

const searches = (o: TasksOptions) =>
  [o.search, o.project, o.branch, o.sha, o.change, o.state, o.failure, o.since, o.until].some(
    (v) => v !== undefined,
  );

async function listTasks(opts: TasksOptions, io: CliIo): Promise<void> {
  const max = wholeNumber(opts.max, '--max', io);
  const client = connectWorkingDir(opts.workingDir);
  const page = searches(opts)
    ? await client.searchTasks({
        text: opts.search,
        project: opts.project,
        branch: opts.branch,
        sha: opts.sha,
        change: opts.change,
        state: opts.state as never,
        failure: opts.failure,
        after: opts.since,
        before: opts.until,
        max,
      })
    : await client.tasks({ max });
  if (opts.json) return io.out(JSON.stringify(page, null, 2));
  io.out(formatTasks(page.tasks));
  if (page.total > page.tasks.length) io.err(`${page.tasks.length} of ${page.total} matching tasks shown`);
}

const percent = (rate: number) => `${(rate * 100).toFixed(0)}%`;

function formatTestList(tests: readonly TestListEntry[]): string {
  if (tests.length === 0) return 'no tests';
  const rows = tests.map((t) => [
    t.name,
    String(t.runs),
    String(t.failed),
    String(t.flaky),
    percent(t.flakyRate),
    t.lastOutcome,
  ]);
  return textTable(['test', 'runs', 'failed', 'flaky', 'flaky rate', 'last'], rows);
}

function formatTestHistory(h: TestHistory): string {
  const s = h.summary;
  const at = (r: typeof s.lastPass) => (r ? `${r.taskId.slice(0, 8)} (${r.recorded})` : 'never');
  const lines = [
    `${h.name}: ${s.runs} runs, ${s.passed} passed, ${s.failed} failed, ${s.flaky} flaky (flaky rate ${percent(s.flakyRate)})`,
    `last pass: ${at(s.lastPass)}; first failing since: ${s.firstFailing ? at(s.firstFailing) : 'none'}`,
    ...h.configurations.map(
      (c) => `  ${c.configurationId}: ${c.summary.runs} runs, flaky rate ${percent(c.summary.flakyRate)}`,
    ),
    textTable(
      ['task', 'configuration', 'sha', 'outcome', 'flaky', 'recorded'],
      h.runs.map((r) => [
        r.taskId.slice(0, 8),
        r.configurationId,
        (r.sha ?? '').slice(0, 12),
        r.outcome,
        r.flaky ? 'yes' : '',
        r.recorded,
      ]),
    ),
  ];
  return lines.join('\n');
}

interface TestsOptions {
  workingDir: string;
  flaky?: boolean;
  max: string;
  project?: string;
  json?: boolean;
}

async function showTests(name: string | undefined, opts: TestsOptions, io: CliIo): Promise<void> {
  const client = connectWorkingDir(opts.workingDir);
  const max = wholeNumber(opts.max, '--max', io);
  if (name && !opts.flaky) {
    const history = await client.testHistory(name);
    return io.out(opts.json ? JSON.stringify(history, null, 2) : formatTestHistory(history));
  }
  const tests = await client.testList({ flaky: opts.flaky, search: name, max, project: opts.project });
  io.out(opts.json ? JSON.stringify(tests, null, 2) : formatTestList(tests));
}

/** Register `coin tasks` and `coin tests`. */
export function addTasksCommands(program: Command, io: CliIo): void {
  program
    .command('tasks')
    .description('list the tasks of the running instance, newest first; with a filter, search them')
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--max <n>', 'at most this many', '50')
    .option('--search <text>', 'any part of the project, branch, tested changes or failure text')
    .option('--project <part>', 'any part of the project name')
    .option('--branch <part>', 'any part of the branch name')
    .option('--sha <start>', 'the start of the sha')
    .option('--change <number>', 'a tested change (its number)')
    .option('--state <state>', 'Initializing, Running, Passed, Failed, Cancelled or Insignificant')
    .option('--failure <text>', 'words in the failure reason of the task or its work items')
    .option('--since <time>', 'created after this time (ISO, e.g. 2026-01-31 or 2026-01-31T12:00Z)')
    .option('--until <time>', 'created before this time')
    .option('--json', 'print JSON')
    .action((opts: TasksOptions) => listTasks(opts, io));
  program
    .command('tests [name]')
    .description("a test's history across integrations (a part of a name lists the matching tests)")
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--flaky', 'the flakiest tests: failed then passed on retry, or alternating on one revision')
    .option('--project <owner/repo>', 'with --flaky: only this project')
    .option('--max <n>', 'at most this many tests', '50')
    .option('--json', 'print JSON')
    .action((name: string | undefined, opts: TestsOptions) => showTests(name, opts, io));
}
