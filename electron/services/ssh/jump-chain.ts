/**
 * The jump hosts in front of a target as OpenSSH works them out: `ProxyJump a,b` goes through a
 * then b, and a jump host with its own ProxyJump in ~/.ssh/config is reached through that first
 * (recursively). Only the first host of a list uses its own ProxyJump, as in ssh, where the list
 * given for the others replaces theirs.
 */
import {
  hopSettingsFor,
  parseJumpHost,
  type HopSettings,
  type SshConfigContext,
  type SshConfigEntry,
} from './ssh-config';

/** One jump host: as written (alias, explicit user and port) and what ~/.ssh/config says about it. */
export interface ChainHop {
  alias: string;
  user: string | null;
  port: number | null;
  settings: HopSettings;
}

/** A ProxyJump that cannot be followed (unreadable, a loop, too long). */
export class JumpChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JumpChainError';
  }
}

/** More hops than this is a mistake in the config (ssh itself recurses without a limit). */
export const maxJumpHops = 8;

interface Walk {
  entries: readonly SshConfigEntry[];
  context: SshConfigContext;
  /** Aliases on the way to here: meeting one again is a loop. */
  path: readonly string[];
  count: { hops: number };
}

function hopsOf(spec: string, walk: Walk): ChainHop[] {
  const items = spec
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const last = items.at(-1);
  const parsed = last === undefined ? null : parseJumpHost(last);
  if (!parsed)
    throw new JumpChainError(
      `cannot read the jump host '${spec}': write [user@]host[:port], hops separated by commas`,
    );
  if (walk.path.includes(parsed.host))
    throw new JumpChainError(
      `ProxyJump loops: ${[...walk.path, parsed.host].join(' -> ')}; fix ~/.ssh/config`,
    );
  if (++walk.count.hops > maxJumpHops)
    throw new JumpChainError(
      `more than ${maxJumpHops} jump hosts in front of the target: check ProxyJump in ~/.ssh/config`,
    );
  const settings = hopSettingsFor(parsed.host, walk.entries, walk.context);
  const inner = { ...walk, path: [...walk.path, parsed.host] };
  const before =
    items.length > 1
      ? hopsOf(items.slice(0, -1).join(','), inner)
      : settings.proxyJump
        ? hopsOf(settings.proxyJump, inner)
        : [];
  return [...before, { alias: parsed.host, user: parsed.user, port: parsed.port, settings }];
}

/** The jump hosts of `spec` (a ProxyJump value), the first one contacted first. */
export function jumpChain(
  spec: string,
  entries: readonly SshConfigEntry[],
  context: SshConfigContext,
): ChainHop[] {
  return hopsOf(spec, { entries, context, path: [], count: { hops: 0 } });
}
