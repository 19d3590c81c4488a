/** The `coin run` options that make Gerrit the change source (docs/gerrit.md). */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseGerritAddress } from '../core/gerrit/gerrit-protocol';
import type { GerritInstanceOptions } from '../node/instance/coin-instance';
import type { CliIo } from './cli-io';

export interface GerritCliOptions {
  gerrit?: string;
  gerritKey?: string;
  gerritKeyPassphraseFile?: string;
  gerritKnownHosts?: string;
  gerritHostFingerprint?: string;
  gerritGit?: string;
  gerritProjects?: string;
  gerritWrite?: boolean;
  instance?: string;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Add the --gerrit* options to `coin run`. */
export function addGerritOptions(command: Command): Command {
  return command
    .option('--gerrit <url>', "Gerrit's SSH interface, ssh://user@host:port: integrate its staged changes")
    .option('--gerrit-key <file>', 'private key for the Gerrit account')
    .option('--gerrit-key-passphrase-file <file>', "file holding the key's passphrase")
    .option('--gerrit-known-hosts <file>', "known_hosts file that lists Gerrit's host key")
    .option(
      '--gerrit-host-fingerprint <SHA256:...>',
      "Gerrit's host key fingerprint (instead of --gerrit-known-hosts)",
    )
    .option(
      '--gerrit-git <url-prefix>',
      "git URL prefix of Gerrit's projects: <prefix><project> (a path works)",
    )
    .option('--gerrit-projects <a,b>', 'only these projects (default: all)')
    .option(
      '--gerrit-write',
      'create builds and approve them in Gerrit (the real instance; needs --instance real)',
    );
}

function readFile(io: CliIo, flag: string, file: string): string {
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    throw io.usageError(`${flag}: cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The instance's Gerrit options, or undefined without --gerrit; usage errors for incomplete ones. */
export function gerritInstanceOptions(opts: GerritCliOptions, io: CliIo): GerritInstanceOptions | undefined {
  const others = [
    opts.gerritKey,
    opts.gerritKnownHosts,
    opts.gerritHostFingerprint,
    opts.gerritGit,
    opts.gerritProjects,
  ];
  if (!opts.gerrit) {
    if (others.some((o) => o !== undefined) || opts.gerritWrite)
      throw io.usageError('the --gerrit-* options need --gerrit');
    return undefined;
  }
  let address;
  try {
    address = parseGerritAddress(opts.gerrit);
  } catch (error) {
    throw io.usageError(`--gerrit: ${(error as Error).message}`);
  }
  if (!opts.gerritKey) throw io.usageError('--gerrit needs --gerrit-key');
  if (!opts.gerritGit) throw io.usageError('--gerrit needs --gerrit-git');
  if (!opts.gerritKnownHosts === !opts.gerritHostFingerprint)
    throw io.usageError('--gerrit needs exactly one of --gerrit-known-hosts and --gerrit-host-fingerprint');
  if (opts.gerritHostFingerprint && !/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(opts.gerritHostFingerprint))
    throw io.usageError(
      `--gerrit-host-fingerprint: expected SHA256:<43 base64 characters>, got '${opts.gerritHostFingerprint}'`,
    );
  if (opts.gerritWrite && opts.instance !== 'real')
    throw io.usageError('--gerrit-write needs --instance real: only the real instance writes to Gerrit');
  const gitUrlPrefix =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(opts.gerritGit) || opts.gerritGit.includes('@')
      ? opts.gerritGit
      : `${path.resolve(opts.gerritGit)}/`;
  return {
    ssh: {
      address,
      privateKey: readFile(io, '--gerrit-key', opts.gerritKey),
      passphrase: opts.gerritKeyPassphraseFile
        ? readFile(io, '--gerrit-key-passphrase-file', opts.gerritKeyPassphraseFile).trim()
        : undefined,
      hostKey: opts.gerritKnownHosts
        ? { knownHostsFile: path.resolve(opts.gerritKnownHosts) }
        : { fingerprint: opts.gerritHostFingerprint! },
    },
    gitEnv: opts.gerritKnownHosts
      ? {
          // git over ssh with the same key and host check as the Gerrit connection
          GIT_SSH_COMMAND: [
            'ssh',
            '-i',
            shellQuote(path.resolve(opts.gerritKey)),
            '-o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes',
            `-o UserKnownHostsFile=${shellQuote(path.resolve(opts.gerritKnownHosts))}`,
          ].join(' '),
        }
      : {},
    gitUrlPrefix:
      gitUrlPrefix.endsWith('/') || gitUrlPrefix.endsWith(':') ? gitUrlPrefix : `${gitUrlPrefix}/`,
    projects: (opts.gerritProjects ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    write: opts.gerritWrite === true,
  };
}
