/**
 * `coin provision`: a clone of every base template named by a directory of the templates
 * directory (as qt5's coin/provisioning has one directory per template), named
 * `<name>-provisioned-<date>` (docs/opennebula.md). What provisioning installs is out of scope.
 */
import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { OneClient } from '../node/hypervisors/opennebula/one-client';
import { OpenNebulaHypervisor } from '../node/hypervisors/opennebula/opennebula-hypervisor';
import { provisionTemplates } from '../node/hypervisors/opennebula/provision';
import type { CliIo } from './cli-io';
import { openNebulaAccount } from './opennebula-options';
import { textTable } from './text-table';

interface ProvisionOptions {
  oneXmlrpc?: string;
  oneAuthFile?: string;
  templatesDir: string;
  date?: string;
  json?: boolean;
}

async function provision(opts: ProvisionOptions, io: CliIo): Promise<void> {
  const { url, session } = openNebulaAccount(opts, io, process.env, 'coin provision');
  const date = opts.date ? new Date(`${opts.date}T00:00:00Z`) : new Date();
  if (Number.isNaN(date.getTime()) || (opts.date && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)))
    throw io.usageError(`--date: expected YYYY-MM-DD, got '${opts.date}'`);
  let bases: string[];
  try {
    bases = readdirSync(path.resolve(opts.templatesDir), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw io.usageError(`--templates-dir: cannot read ${opts.templatesDir}: ${(error as Error).message}`);
  }
  const client = new OneClient({ url, session });
  // a wrong endpoint or account: one line, exit 1 (the same check as coin run)
  await new OpenNebulaHypervisor({ client, namePrefix: '' }).check(url);
  const outcomes = await provisionTemplates(client, bases, date);
  if (opts.json) io.out(JSON.stringify({ templates: outcomes }, null, 2));
  else
    io.out(
      textTable(
        ['base template', 'clone', 'result', 'id'],
        outcomes.map((o) => [
          o.base,
          o.clone,
          o.detail && o.result !== 'exists' ? `${o.result}: ${o.detail}` : o.result,
          o.id === null ? '' : String(o.id),
        ]),
      ),
    );
  // a directory that is no template (qt5's `common`) is skipped; a clone that failed is an error
  if (outcomes.some((o) => o.result === 'failed')) io.setExitCode(1);
}

/** Register `coin provision`. */
export function addProvisionCommand(program: Command, io: CliIo): void {
  program
    .command('provision')
    .description('clone every base template named in the templates directory as <name>-provisioned-<date>')
    .requiredOption('--templates-dir <dir>', 'one directory per base template (as coin/provisioning)')
    .option('--one-xmlrpc <url>', "OpenNebula's XML-RPC endpoint (default: $ONE_XMLRPC)")
    .option('--one-auth-file <file>', 'file holding user:password (default: $ONE_AUTH, else ~/.one/one_auth)')
    .option('--date <YYYY-MM-DD>', 'the date in the clone names (default: today, UTC)')
    .option('--json', 'print JSON')
    .action((opts: ProvisionOptions) => provision(opts, io));
}
