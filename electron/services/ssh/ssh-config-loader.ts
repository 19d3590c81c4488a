/** Reading ~/.ssh/config with its Include files, then the suggestions it holds. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SshConfigHost } from '../../common/instance-schemas';
import {
  hostConfigFor,
  matchesPattern,
  parseSshConfig,
  sshConfigHosts,
  type SshConfigEntry,
  type SshConfigProblem,
} from './ssh-config';

/** Suggestions from an ssh config file and the problems found on the way. */
export interface SshConfigSuggestions {
  file: string;
  hosts: SshConfigHost[];
  problems: SshConfigProblem[];
}

const maxIncludeDepth = 16;

/** The entries of `file` with every Include replaced by the entries of the files it names. */
export async function loadSshConfigEntries(
  file: string,
  sshDir: string,
  depth = 0,
): Promise<{ entries: SshConfigEntry[]; problems: SshConfigProblem[] }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return { entries: [], problems: [] };
  }
  const parsed = parseSshConfig(text, file);
  const entries: SshConfigEntry[] = [];
  const problems = [...parsed.problems];
  for (const entry of parsed.entries) {
    if (entry.keyword !== 'include') {
      entries.push(entry);
      continue;
    }
    if (depth >= maxIncludeDepth) {
      problems.push({ ...entry, message: `Include nested more than ${maxIncludeDepth} deep` });
      continue;
    }
    for (const included of await expandInclude(entry.args, sshDir)) {
      const inner = await loadSshConfigEntries(included, sshDir, depth + 1);
      entries.push(...inner.entries);
      problems.push(...inner.problems);
    }
  }
  return { entries, problems };
}

// Include takes glob patterns; relative ones are relative to ~/.ssh. Only `*`/`?` in the file name.
async function expandInclude(patterns: readonly string[], sshDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.startsWith('~/') ? path.join(os.homedir(), raw.slice(2)) : path.resolve(sshDir, raw);
    const dir = path.dirname(pattern);
    const base = path.basename(pattern);
    if (!/[*?]/.test(base)) {
      files.push(pattern);
      continue;
    }
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    files.push(
      ...names
        .filter((n) => matchesPattern(n, base, false))
        .sort()
        .map((n) => path.join(dir, n)),
    );
  }
  return files;
}

/** The Host aliases of `<sshDir>/config` as profile suggestions. */
export async function sshConfigSuggestions(
  sshDir: string,
  home = os.homedir(),
): Promise<SshConfigSuggestions> {
  const file = path.join(sshDir, 'config');
  const { entries, problems } = await loadSshConfigEntries(file, sshDir);
  return { file, hosts: sshConfigHosts(entries, { home, localUser: os.userInfo().username }), problems };
}

/**
 * What `<sshDir>/config` (with its Include files) says about connecting to `alias`: its HostName,
 * Port, User, first IdentityFile and ProxyJump, as ssh reads them. Read again at every call, so an
 * edited file counts at the next connection; a missing file says nothing.
 */
export async function sshConfigFor(
  sshDir: string,
  alias: string,
  home = os.homedir(),
): Promise<SshConfigHost> {
  const { entries } = await loadSshConfigEntries(path.join(sshDir, 'config'), sshDir);
  return hostConfigFor(alias, entries, { home, localUser: os.userInfo().username });
}
