/**
 * `coin cancel`, `coin rerun`, `coin retry`, `coin dequeue`, `coin priority` and `coin audit`:
 * control of the running instance's integrations, and the audit trail of what people did to it.
 * Each write goes with this machine's user name and the origin `cli`, which the audit records.
 */
import type { Command } from 'commander';
import path from 'node:path';
import {
  auditActions,
  type AuditAction,
  type AuditEntry,
  type ControlAnswer,
  type TaskControlAction,
} from '../core/instance-api';
import { connectWorkingDir } from '../client/working-dir-instance';
import { importAuditJournal } from '../node/store/audit-journal-import';
import type { CliIo } from './cli-io';
import { onInstanceOrOffline } from './offline-store';
import { resolveTaskId, ShortIdError } from './short-ids';
import { textTable } from './text-table';

interface ControlOptions {
  workingDir: string;
  reason?: string;
  json?: boolean;
}

function answerText(action: TaskControlAction, answer: ControlAnswer): string {
  if (answer.newTaskId) return `task ${answer.newTaskId} queued (${action} of ${answer.taskId})`;
  return `task ${answer.taskId} is ${answer.state}`;
}

async function control(
  given: string,
  action: TaskControlAction,
  opts: ControlOptions,
  io: CliIo,
  body: { reason?: string; priority?: number } = {},
): Promise<void> {
  // A cancel answers once the agents stopped the commands (their grace period included).
  const client = connectWorkingDir(opts.workingDir, { timeoutMs: 60_000 });
  let id: string;
  try {
    id = await resolveTaskId(client, given, path.resolve(opts.workingDir));
  } catch (error) {
    if (error instanceof ShortIdError) throw io.usageError(error.message);
    throw error;
  }
  const answer = await client.controlTask(id, action, body);
  io.out(opts.json ? JSON.stringify(answer, null, 2) : answerText(action, answer));
}

function auditText(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no action recorded yet';
  return textTable(
    ['time', 'who', 'from', 'action', 'subject', 'details'],
    entries.map((e) => [e.time, e.actor, e.origin, e.action, e.subject, JSON.stringify(e.details)]),
  );
}

function addTaskCommand(program: Command, name: TaskControlAction, what: string, io: CliIo, reason = false) {
  const command = program
    .command(`${name} <id>`)
    .description(what)
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--json', 'print the answer as JSON');
  if (reason) command.option('--reason <text>', 'why, for the task and the audit trail');
  command.action((id: string, opts: ControlOptions) =>
    control(id, name, opts, io, opts.reason ? { reason: opts.reason } : {}),
  );
}

/** Register the control commands and `coin audit`. */
export function addControlCommands(program: Command, io: CliIo): void {
  addTaskCommand(
    program,
    'cancel',
    'cancel a queued or running integration (its commands get SIGTERM, then SIGKILL)',
    io,
    true,
  );
  addTaskCommand(
    program,
    'rerun',
    'queue a finished integration again at the same revisions (a new, linked task)',
    io,
  );
  addTaskCommand(
    program,
    'retry',
    'queue a new task that runs only the failed and cancelled work items of one',
    io,
  );
  addTaskCommand(program, 'dequeue', 'take a queued integration out of the queue', io, true);
  program
    .command('priority <id> <n>')
    .description('set a queued integration priority: higher starts first (default 0, -1000..1000)')
    .requiredOption('--working-dir <dir>', 'working directory of the running instance')
    .option('--json', 'print the answer as JSON')
    .action((id: string, n: string, opts: ControlOptions) => {
      const priority = Number(n);
      if (!Number.isInteger(priority)) throw io.usageError(`the priority must be a whole number, got '${n}'`);
      return control(id, 'priority', opts, io, { priority });
    });
  program
    .command('audit')
    .description('what people did to the instance: cancel, rerun, retry, dequeue, priority, gc, ...')
    .requiredOption('--working-dir <dir>', 'working directory of the instance (running or stopped)')
    .option('--max <n>', 'at most this many, newest first', '50')
    .option('--task <id>', 'only actions on this task')
    .option('--action <name>', `only this action (${auditActions.join(', ')})`)
    .option('--json', 'print JSON')
    .action(
      async (opts: { workingDir: string; max: string; task?: string; action?: string; json?: boolean }) => {
        const max = Number(opts.max);
        if (!Number.isInteger(max) || max < 1)
          throw io.usageError(`--max must be a whole number >= 1, got '${opts.max}'`);
        if (opts.action && !(auditActions as readonly string[]).includes(opts.action))
          throw io.usageError(`--action takes one of ${auditActions.join(', ')}, got '${opts.action}'`);
        const query = { max, subject: opts.task, action: opts.action as AuditAction | undefined };
        // Stopped (the maintenance page up): the store itself, after the entries made meanwhile
        // were imported the way the next start would (crash-safe: never twice).
        const page = await onInstanceOrOffline<{ entries: AuditEntry[] }>(
          io,
          opts.workingDir,
          (client) => client.audit(query),
          (store) => {
            const { imported, unreadable } = importAuditJournal(opts.workingDir, store);
            io.err(
              `no instance runs in ${opts.workingDir}: read its store directly` +
                (imported ? `; ${imported} entries made while it was stopped imported` : '') +
                (unreadable ? `; ${unreadable} unreadable journal lines skipped` : ''),
            );
            return { entries: store.audit.list(query) };
          },
        );
        io.out(opts.json ? JSON.stringify(page, null, 2) : auditText(page.entries));
      },
    );
}
