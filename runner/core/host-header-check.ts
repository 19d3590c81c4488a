/**
 * Which `Host` header a server on this machine answers (DNS rebinding). A page on a name the
 * attacker controls can make that name resolve to 127.0.0.1 and then read whatever the local
 * server answers, as its own origin; the only thing such a request cannot hide is the name in its
 * `Host` header. So the instance's web server and the browser host answer only to names they
 * were told: the loopback names, the address they listen on, and names given for reverse proxies.
 */

/** Names of the loopback interface, accepted by every server. */
export const loopbackHostNames: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/**
 * What a server accepts: names only. The port is not checked: a request that reached the server
 * came to its port whatever the header says, and a proxy may forward its own public port.
 */
export interface HostPolicy {
  /** Accepted names: lower case, IPv6 addresses without brackets. */
  readonly names: ReadonlySet<string>;
}

/** The answer for one request. */
export type HostVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** True for a listen address that means every interface (no client sends it as a name). */
export function isWildcardAddress(address: string): boolean {
  return ['', '0.0.0.0', '::', '[::]'].includes(address.trim());
}

/**
 * A host name as it is compared: lower case, IPv6 without brackets; undefined when `value` is not
 * a bare name or address (a port, a scheme, a path or spaces in it).
 */
export function normalizeHostName(value: string): string | undefined {
  const name = value.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+(?:%[\w.-]+)?)\]$/.exec(name);
  if (bracketed) return bracketed[1];
  if (/^[0-9a-f:]+:[0-9a-f:.]*$/.test(name) && name.split(':').length > 2) return name; // bare IPv6
  return /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/.test(name) ? name : undefined;
}

/**
 * The policy of a server: the loopback names, plus `names` (the listen address, the agents'
 * address, names given for reverse proxies; wildcards and empty ones are skipped).
 */
export function hostPolicy(names: readonly string[]): HostPolicy {
  const accepted = new Set(loopbackHostNames);
  for (const name of names) {
    if (isWildcardAddress(name)) continue;
    const normal = normalizeHostName(name);
    if (normal !== undefined) accepted.add(normal);
  }
  return { names: accepted };
}

/** The name and port of a `Host` header; undefined when the value is not one. */
export function parseHostHeader(value: string): { name: string; port?: number } | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match?.[1]) return undefined;
  const name = normalizeHostName(match[1]);
  if (name === undefined) return undefined;
  return match[2] === undefined ? { name } : { name, port: Number(match[2]) };
}

/**
 * Whether a request with this `Host` header may be answered. A request without one is answered:
 * every browser sends the header, so its absence cannot be a page's doing (old health checks).
 */
export function checkHostHeader(header: string | undefined, policy: HostPolicy): HostVerdict {
  if (header === undefined) return { allowed: true };
  const parsed = parseHostHeader(header);
  if (!parsed) return { allowed: false, reason: `'${header}' is not a host name` };
  if (!policy.names.has(parsed.name))
    return { allowed: false, reason: `this server does not answer to the host name '${parsed.name}'` };
  return { allowed: true };
}
