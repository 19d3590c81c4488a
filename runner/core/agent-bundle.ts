/**
 * The agent bundle an instance hands to a VM's bootstrap (`coin agent-bootstrap`): where it is,
 * how its SHA-256 is told, and the header of the agent token. Nothing here imports a library:
 * the bootstrap is inlined into a VM template's START_SCRIPT and must stay a few kilobytes
 * (docs/opennebula.md, "The VM image"). instance-api.ts lists these routes with the others. Pure.
 */

/** Header that carries the agent token on every agent request (agent-protocol.ts re-exports it). */
export const agentTokenHeader = 'x-coin-agent-token';

/** Header of the bundle's answer that repeats its SHA-256 (lower-case hex). */
export const agentBundleChecksumHeader = 'x-coin-agent-bundle-sha256';

/** Paths under the instance's base path (e.g. `/coin`), both needing the agent token. */
export const agentBundlePaths = {
  /** GET: the agent program, one self-contained CommonJS file for Node 20+. */
  bundle: '/agent/bundle',
  /** GET: its SHA-256 as `sha256sum` prints it: `<hex>  agent.cjs`. */
  checksum: '/agent/bundle.sha256',
} as const;

/** The file name the checksum line names (and the bootstrap saves the bundle as). */
export const agentBundleFileName = 'agent.cjs';

/** `<hex>  agent.cjs\n`, the line `sha256sum agent.cjs` prints. */
export function checksumLine(sha256: string): string {
  return `${sha256}  ${agentBundleFileName}\n`;
}

/** The SHA-256 of a checksum line, or undefined when the text is not one. */
export function parseChecksumLine(text: string): string | undefined {
  const match = /^([0-9a-f]{64})(?:\s+\*?\S+)?\s*$/i.exec(text.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}
