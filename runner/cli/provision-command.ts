/**
 * `coin provision` (docs/opennebula.md): a clone of every base template named by a directory of
 * the templates directory (as qt5's coin/provisioning has one directory per template), named
 * `<name>-provisioned-<date>`, recorded in the working directory as the set `coin run
 * --hypervisor opennebula` starts agents from. `--rollback` goes back to the set before;
 * `--status` shows the sets and their templates' age. What provisioning installs is out of scope.
 */
import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  recordTemplateSet,
  rollBackTemplateSet,
  rollbackTarget,
  templateAge,
  templateSetSummary,
  type TemplateSets,
} from '../core/opennebula/one-template-sets';
import { OneClient } from '../node/hypervisors/opennebula/one-client';
import { OpenNebulaHypervisor } from '../node/hypervisors/opennebula/opennebula-hypervisor';
import {
  provisionTemplates,
  templateSetOf,
  type ProvisionOutcome,
} from '../node/hypervisors/opennebula/provision';
import {
  readTemplateSets,
  templateSetsFile,
  writeTemplateSets,
} from '../node/hypervisors/opennebula/template-sets-file';
import type { CliIo } from './cli-io';
import { openNebulaAccount } from './opennebula-options';
import { textTable } from './text-table';

interface ProvisionOptions {
  workingDir: string;
  oneXmlrpc?: string;
  oneAuthFile?: string;
  templatesDir?: string;
  date?: string;
  json?: boolean;
  rollback?: boolean;
  status?: boolean;
}

function baseTemplates(dir: string, io: CliIo): string[] {
  try {
    return readdirSync(path.resolve(dir), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw io.usageError(`--templates-dir: cannot read ${dir}: ${(error as Error).message}`);
  }
}

function outcomesTable(outcomes: readonly ProvisionOutcome[]): string {
  return textTable(
    ['base template', 'clone', 'result', 'id'],
    outcomes.map((o) => [
      o.base,
      o.clone,
      o.detail && o.result !== 'exists' ? `${o.result}: ${o.detail}` : o.result,
      o.id === null ? '' : String(o.id),
    ]),
  );
}

/** The sets for people: what agents start from, each template with its age, the earlier sets. */
function setsText(sets: TemplateSets, now: Date): string {
  const lines = [templateSetSummary(sets)];
  if (sets.current)
    lines.push(
      textTable(
        ['base template', 'clone in use', 'id', 'age'],
        sets.current.templates.map((t) => [t.base, t.clone, String(t.id), templateAge(t.registeredAt, now)]),
      ),
    );
  const back = rollbackTarget(sets);
  if (back) lines.push(`coin provision --rollback goes back to ${back}`);
  for (const set of sets.previous)
    lines.push(`earlier: the clones of ${set.date} (${set.templates.map((t) => t.clone).join(', ')})`);
  return lines.join('\n');
}

async function provision(opts: ProvisionOptions, io: CliIo, file: string): Promise<void> {
  if (!opts.templatesDir)
    throw io.usageError('coin provision needs --templates-dir DIR (or --rollback, --status)');
  const { url, session } = openNebulaAccount(opts, io, process.env, 'coin provision');
  const date = opts.date ? new Date(`${opts.date}T00:00:00Z`) : new Date();
  if (Number.isNaN(date.getTime()) || (opts.date && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)))
    throw io.usageError(`--date: expected YYYY-MM-DD, got '${opts.date}'`);
  const bases = baseTemplates(opts.templatesDir, io);
  const before = await readTemplateSets(file);
  const client = new OneClient({ url, session });
  // a wrong endpoint or account: one line, exit 1 (the same check as coin run)
  await new OpenNebulaHypervisor({ client, namePrefix: '' }).check(url);
  // progress on stderr as each clone is made (the Maintenance area shows it while it runs)
  if (!opts.json) io.err(`cloning ${bases.length} base template(s) named in ${opts.templatesDir} on ${url}`);
  const outcomes = await provisionTemplates(client, bases, date, (o) => {
    if (!opts.json) io.err(`${o.base}: ${o.result}${o.id === null ? '' : ` as ${o.clone} (id ${o.id})`}`);
  });
  const set = templateSetOf(outcomes, date.toISOString().slice(0, 10));
  const lastSource = {
    templatesDir: path.resolve(opts.templatesDir),
    oneXmlrpc: opts.oneXmlrpc ?? null,
    oneAuthFile: opts.oneAuthFile ? path.resolve(opts.oneAuthFile) : null,
  };
  const sets = { ...(set ? recordTemplateSet(before, set) : before), lastSource };
  await writeTemplateSets(file, sets);
  if (opts.json) io.out(JSON.stringify({ templates: outcomes, recorded: set !== undefined, sets }, null, 2));
  else {
    io.out(outcomesTable(outcomes));
    io.out(
      set
        ? setsText(sets, new Date())
        : `not recorded: no complete set of clones; ${templateSetSummary(sets)}`,
    );
  }
  // a directory that is no template (qt5's `common`) is skipped; a clone that failed is an error
  if (!set) io.setExitCode(1);
}

async function rollback(opts: ProvisionOptions, io: CliIo, file: string): Promise<void> {
  const sets = await readTemplateSets(file);
  const back = rollBackTemplateSet(sets);
  if (!back) throw new Error('nothing to go back to: agents already start from the base templates');
  await writeTemplateSets(file, back);
  io.out(
    opts.json
      ? JSON.stringify({ sets: back }, null, 2)
      : `${templateSetSummary(back)} (was: the clones of ${sets.current!.date})`,
  );
}

async function status(opts: ProvisionOptions, io: CliIo, file: string): Promise<void> {
  const sets = await readTemplateSets(file);
  io.out(opts.json ? JSON.stringify({ sets }, null, 2) : setsText(sets, new Date()));
}

function run(opts: ProvisionOptions, io: CliIo): Promise<void> {
  if (opts.rollback && opts.status) throw io.usageError('--rollback and --status do not go together');
  const file = templateSetsFile(path.resolve(opts.workingDir));
  if (opts.rollback) return rollback(opts, io, file);
  if (opts.status) return status(opts, io, file);
  return provision(opts, io, file);
}

/** Register `coin provision`. */
export function addProvisionCommand(program: Command, io: CliIo): void {
  program
    .command('provision')
    .description(
      'clone every base template named in the templates directory as <name>-provisioned-<date>; agents of the working directory start from the clones',
    )
    .requiredOption('--working-dir <dir>', 'the instance whose agents start from the clones')
    .option('--templates-dir <dir>', 'one directory per base template (as coin/provisioning)')
    .option('--one-xmlrpc <url>', "OpenNebula's XML-RPC endpoint (default: $ONE_XMLRPC)")
    .option('--one-auth-file <file>', 'file holding user:password (default: $ONE_AUTH, else ~/.one/one_auth)')
    .option('--date <YYYY-MM-DD>', 'the date in the clone names (default: today, UTC)')
    .option('--rollback', 'go back to the templates agents started from before the last provisioning')
    .option('--status', 'show which templates agents start from, and their age')
    .option('--json', 'print JSON')
    .action((opts: ProvisionOptions) => run(opts, io));
}
