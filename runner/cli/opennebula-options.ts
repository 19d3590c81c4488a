/** The `coin run` options of `--hypervisor opennebula` (docs/opennebula.md). */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OpenNebulaInstanceOptions } from '../node/instance/instance-hypervisor';
import type { CliIo } from './cli-io';

export interface OpenNebulaCliOptions {
  hypervisor: string;
  oneXmlrpc?: string;
  oneAuthFile?: string;
  ownIp?: string;
  oneProvisionTimeout?: string;
}

/** Default provisioning timeout: a VM clone, boot and agent start on a busy cluster. */
export const defaultProvisionTimeoutS = 900;

/** Add the --one-* and --own-ip options to `coin run`. */
export function addOpenNebulaOptions(command: Command): Command {
  return command
    .option('--one-xmlrpc <url>', "OpenNebula's XML-RPC endpoint (default: $ONE_XMLRPC)")
    .option(
      '--one-auth-file <file>',
      'file holding user:password for OpenNebula (default: $ONE_AUTH, else ~/.one/one_auth)',
    )
    .option('--own-ip <address>', 'the address VMs reach this instance on (default: $QT_CI_OWN_IP)')
    .option(
      '--one-provision-timeout <s>',
      'seconds a VM may take until its agent connects; then its work item fails',
      String(defaultProvisionTimeoutS),
    );
}

/**
 * The endpoint and the `user:password` session: --one-xmlrpc or ONE_XMLRPC, --one-auth-file or
 * ONE_AUTH or ~/.one/one_auth (the file OpenNebula's own tools read). Usage errors name what is
 * missing; `who` is the command or option that needs them.
 */
export function openNebulaAccount(
  opts: { oneXmlrpc?: string; oneAuthFile?: string },
  io: CliIo,
  env: NodeJS.ProcessEnv,
  who: string,
): { url: string; session: string } {
  const url = opts.oneXmlrpc ?? env.ONE_XMLRPC;
  if (!url) throw io.usageError(`${who} needs --one-xmlrpc URL or ONE_XMLRPC`);
  if (!/^https?:\/\/[^/]+/.test(url))
    throw io.usageError(`--one-xmlrpc: expected http(s)://host:port/RPC2, got '${url}'`);
  const authFile = path.resolve(
    opts.oneAuthFile ?? env.ONE_AUTH ?? path.join(env.HOME ?? os.homedir(), '.one', 'one_auth'),
  );
  let session: string;
  try {
    session = (readFileSync(authFile, 'utf8').split('\n')[0] ?? '').trim();
  } catch (error) {
    throw io.usageError(`--one-auth-file: cannot read ${authFile}: ${(error as Error).message}`);
  }
  if (!/^[^:\s]+:\S+$/.test(session))
    throw io.usageError(`--one-auth-file: ${authFile} must hold user:password on its first line`);
  return { url, session };
}

/**
 * The instance's OpenNebula options, or undefined for another hypervisor; usage errors (one
 * line) for what is missing or unreadable.
 */
export function openNebulaInstanceOptions(
  opts: OpenNebulaCliOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): OpenNebulaInstanceOptions | undefined {
  if (opts.hypervisor !== 'opennebula') {
    if (opts.oneXmlrpc || opts.oneAuthFile || opts.ownIp)
      throw io.usageError('--one-xmlrpc, --one-auth-file and --own-ip need --hypervisor opennebula');
    return undefined;
  }
  const { url, session } = openNebulaAccount(opts, io, env, '--hypervisor opennebula');
  const ownAddress = opts.ownIp ?? env.QT_CI_OWN_IP;
  if (!ownAddress)
    throw io.usageError(
      '--hypervisor opennebula needs --own-ip ADDRESS or QT_CI_OWN_IP: the address VMs reach this instance on',
    );
  const timeout = Number(opts.oneProvisionTimeout ?? defaultProvisionTimeoutS);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw io.usageError(
      `--one-provision-timeout must be a number of seconds > 0, got '${opts.oneProvisionTimeout}'`,
    );
  return { url, session, ownAddress, provisionTimeoutMs: Math.round(timeout * 1000) };
}
