/**
 * ~/.ssh/config as OpenSSH reads it, for suggestions when adding a profile: entries with their
 * file, line and column, then per `Host` alias the settings that apply to it (first value wins,
 * as in ssh). `Match` blocks cannot be evaluated here and are skipped.
 */
import { matchesPattern } from '../../../runner/node/ssh/host-pattern';
import type { SshConfigHost } from '../../common/instance-schemas';

/** One `Keyword arguments` line. */
export interface SshConfigEntry {
  /** Lower-case keyword. */
  keyword: string;
  args: string[];
  file: string;
  line: number;
  column: number;
}

/** A line the parser could not read; the rest of the file still counts. */
export interface SshConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** The entries of one file, in order. */
export interface ParsedSshConfig {
  entries: SshConfigEntry[];
  problems: SshConfigProblem[];
}

/** Parse the text of one ssh_config file (Include is left as an entry for the loader). */
export function parseSshConfig(text: string, file: string): ParsedSshConfig {
  const entries: SshConfigEntry[] = [];
  const problems: SshConfigProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const start = raw.search(/\S/);
    if (start < 0 || raw[start] === '#') return;
    const match = /^([A-Za-z][A-Za-z0-9]*)(\s*=\s*|\s+|$)/.exec(raw.slice(start));
    if (!match?.[1]) {
      problems.push({ file, line, column: start + 1, message: 'expected a keyword' });
      return;
    }
    const argsAt = start + match[0].length;
    const args = splitArgs(raw.slice(argsAt));
    if (typeof args === 'string') {
      problems.push({ file, line, column: argsAt + 1, message: args });
      return;
    }
    if (args.length === 0) {
      problems.push({ file, line, column: argsAt + 1, message: `${match[1]} needs a value` });
      return;
    }
    entries.push({ keyword: match[1].toLowerCase(), args, file, line, column: start + 1 });
  });
  return { entries, problems };
}

// Arguments separated by white space, double quotes group; a trailing comment ends the line.
function splitArgs(text: string): string[] | string {
  const args: string[] = [];
  const pattern = /\s*(?:"([^"]*)("?)|(#.*)|([^\s"]+))/y;
  for (let m = pattern.exec(text); m && m[0].trim() !== ''; m = pattern.exec(text)) {
    if (m[3] !== undefined) break;
    if (m[1] !== undefined && m[2] !== '"') return 'unterminated quote';
    args.push(m[1] ?? m[4] ?? '');
  }
  return args;
}

/** Whether a `Host` line's patterns select `name`: one positive match and no negated one. */
export function hostPatternsMatch(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!matchesPattern(name, negated ? pattern.slice(1) : pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Where ssh finds things when it expands tokens. */
export interface SshConfigContext {
  home: string;
  localUser: string;
}

interface Settings {
  hostname?: string;
  port?: string;
  user?: string;
  identityfile?: string;
  proxyjump?: string;
}
const wanted = ['hostname', 'port', 'user', 'identityfile', 'proxyjump'] as const;

/** The settings of one alias: every block that selects it, first value wins. */
export function settingsFor(alias: string, entries: readonly SshConfigEntry[]): Settings {
  const settings: Settings = {};
  let applies = true; // lines before the first Host apply to every host
  for (const entry of entries) {
    if (entry.keyword === 'host') applies = hostPatternsMatch(alias, entry.args);
    else if (entry.keyword === 'match') applies = false;
    else if (applies && (wanted as readonly string[]).includes(entry.keyword)) {
      const key = entry.keyword as (typeof wanted)[number];
      settings[key] ??= entry.args.join(' ');
    }
  }
  return settings;
}

/** One suggestion per concrete `Host` alias (no wildcards, not negated), in file order. */
export function sshConfigHosts(
  entries: readonly SshConfigEntry[],
  context: SshConfigContext,
): SshConfigHost[] {
  const seen = new Set<string>();
  const hosts: SshConfigHost[] = [];
  for (const entry of entries) {
    if (entry.keyword !== 'host') continue;
    for (const alias of entry.args) {
      if (/[*?!]/.test(alias) || seen.has(alias)) continue;
      seen.add(alias);
      hosts.push(suggestion(alias, settingsFor(alias, entries), `${entry.file}:${entry.line}`, context));
    }
  }
  return hosts;
}

/**
 * What ~/.ssh/config says about connecting to `alias` (any name: wildcard blocks apply too), as ssh
 * would read it; `source` is the first Host line that applies to it ('' when none does). A name
 * the file does not mention comes back as itself with every setting null.
 */
export function hostConfigFor(
  alias: string,
  entries: readonly SshConfigEntry[],
  context: SshConfigContext,
): SshConfigHost {
  const named = entries.find((e) => e.keyword === 'host' && hostPatternsMatch(alias, e.args));
  const source = named ? `${named.file}:${named.line}` : '';
  return suggestion(alias, settingsFor(alias, entries), source, context);
}

function suggestion(alias: string, s: Settings, source: string, context: SshConfigContext): SshConfigHost {
  const hostName = s.hostname ? expandTokens(s.hostname, { h: alias, ...tokens(context, s.user) }) : alias;
  const port = s.port && /^\d+$/.test(s.port) ? Number(s.port) : null;
  const identity = s.identityfile && s.identityfile.toLowerCase() !== 'none' ? s.identityfile : null;
  return {
    alias,
    hostName,
    port,
    user: s.user ?? null,
    identityFile: identity
      ? expandPath(identity, { h: hostName, ...tokens(context, s.user) }, context.home)
      : null,
    proxyJump: s.proxyjump && s.proxyjump.toLowerCase() !== 'none' ? s.proxyjump : null,
    source,
  };
}

function tokens(context: SshConfigContext, remoteUser: string | undefined): Record<string, string> {
  return { d: context.home, u: context.localUser, r: remoteUser ?? context.localUser, '%': '%' };
}

/** Replace ssh's %-tokens (%h, %d, %u, %r, %%); unknown ones stay as they are. */
export function expandTokens(value: string, values: Record<string, string>): string {
  return value.replace(/%(.)/g, (all, token: string) => values[token] ?? all);
}

function expandPath(value: string, values: Record<string, string>, home: string): string {
  const expanded = expandTokens(value, values);
  return expanded === '~' || expanded.startsWith('~/') ? home + expanded.slice(1) : expanded;
}

/** What connecting to one host (a jump host or the target) takes from ~/.ssh/config. */
export interface HopSettings {
  hostName: string;
  port: number | null;
  user: string | null;
  /** Every IdentityFile that applies, in order, expanded (ssh tries them all). */
  identityFiles: string[];
  /** IdentityAgent's socket, expanded; 'SSH_AUTH_SOCK' means the environment's; null: not set. */
  identityAgent: string | null;
  /** IdentityAgent none: use no agent. */
  noAgent: boolean;
  identitiesOnly: boolean;
  /** ProxyJump of this host (null: none). */
  proxyJump: string | null;
}

function firstValues(alias: string, entries: readonly SshConfigEntry[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  let applies = true;
  for (const entry of entries) {
    if (entry.keyword === 'host') applies = hostPatternsMatch(alias, entry.args);
    else if (entry.keyword === 'match') applies = false;
    else if (applies && entry.keyword === 'identityfile')
      values.set('identityfile', [...(values.get('identityfile') ?? []), entry.args.join(' ')]);
    else if (applies && !values.has(entry.keyword)) values.set(entry.keyword, entry.args);
  }
  return values;
}

/** The settings of `alias` that a connection uses, with ssh's tokens and `~` expanded. */
export function hopSettingsFor(
  alias: string,
  entries: readonly SshConfigEntry[],
  context: SshConfigContext,
): HopSettings {
  const v = firstValues(alias, entries);
  const one = (key: string) => v.get(key)?.join(' ');
  const user = one('user') ?? null;
  const hostName = one('hostname')
    ? expandTokens(one('hostname')!, { h: alias, ...tokens(context, user ?? undefined) })
    : alias;
  const values = { h: hostName, ...tokens(context, user ?? undefined) };
  const agent = one('identityagent');
  const jump = one('proxyjump');
  return {
    hostName,
    port: /^\d+$/.test(one('port') ?? '') ? Number(one('port')) : null,
    user,
    identityFiles: (v.get('identityfile') ?? [])
      .filter((f) => f.toLowerCase() !== 'none')
      .map((f) => expandPath(f, values, context.home)),
    identityAgent:
      agent && agent.toLowerCase() !== 'none'
        ? agent === 'SSH_AUTH_SOCK'
          ? agent
          : expandPath(agent, values, context.home)
        : null,
    noAgent: agent?.toLowerCase() === 'none',
    identitiesOnly: one('identitiesonly')?.toLowerCase() === 'yes',
    proxyJump: jump && jump.toLowerCase() !== 'none' ? jump : null,
  };
}

/** A ProxyJump value's first hop as user, host and port (ssh's `[user@]host[:port]`). */
export function parseJumpHost(
  value: string,
): { user: string | null; host: string; port: number | null } | null {
  const first = value.split(',')[0]?.trim() ?? '';
  const match = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(first);
  if (!match?.[2]) return null;
  return {
    user: match[1] ?? null,
    host: match[2].replace(/^\[|\]$/g, ''),
    port: match[3] ? Number(match[3]) : null,
  };
}

export { matchesPattern };
