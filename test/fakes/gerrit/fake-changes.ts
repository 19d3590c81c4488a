/**
 * The Gerrit fake's changes: their records, the JSON Gerrit prints for them (query results and
 * the `change` of events), and `gerrit query` on them (one query of ANDed terms, newest-updated
 * first, a default limit with `moreChanges`, `--start` and `limit:` to page), as
 * ../shared/reference/protocol-facts.md describes them. fake-state.ts changes them.
 */

/** Qt's patched Gerrit's statuses (PRESTAGED: the 2026 staging queue). */
export type ChangeStatus =
  'NEW' | 'PRESTAGED' | 'STAGED' | 'INTEGRATING' | 'MERGED' | 'DEFERRED' | 'ABANDONED';

/** Global capabilities the fake checks: `streamEvents` (Gerrit core) and two of the plugin's. */
export type FakeCapability = 'streamEvents' | 'ciStatusUpdate' | 'stagingPromote';

export interface FakeAccount {
  name: string;
  email: string;
  username: string;
  /** Default: only `streamEvents` (an account set up to follow the event stream). */
  capabilities?: readonly FakeCapability[];
}

export interface FakePatchSet {
  number: number;
  revision: string;
  ref: string;
  createdOn: number;
}

export interface FakeMessage {
  message: string;
  author: FakeAccount;
  timestamp: number;
}

export interface FakeChange {
  number: number;
  project: string;
  branch: string;
  changeId: string;
  subject: string;
  owner: FakeAccount;
  status: ChangeStatus;
  patchSets: FakePatchSet[];
  messages: FakeMessage[];
  lastUpdated: number;
  /** The commit carrying this change in refs/staging/<branch> (while STAGED or INTEGRATING). */
  stagedSha?: string;
  buildId?: string;
}

/** A refused request: SSH exit code 1 with `fatal: <message>` on stderr, REST with httpStatus. */
export class GerritRefusal extends Error {
  constructor(
    message: string,
    readonly httpStatus = 409,
  ) {
    super(message);
  }
}

/** Whether an account holds a global capability. */
export function hasCapability(account: FakeAccount, capability: FakeCapability): boolean {
  return (account.capabilities ?? ['streamEvents']).includes(capability);
}

/** Now in seconds, as Gerrit's times are. */
export const seconds = () => Math.floor(Date.now() / 1000);

/** An account as Gerrit's JSON shows it. */
export function accountJson(a: FakeAccount) {
  return { name: a.name, email: a.email, username: a.username };
}

function patchSetJson(c: FakeChange, ps: FakePatchSet) {
  return {
    number: ps.number,
    revision: ps.revision,
    ref: ps.ref,
    uploader: accountJson(c.owner),
    createdOn: ps.createdOn,
  };
}

/** The change attribute of events (no patch set: events carry it beside the change, if at all). */
export function eventChangeJson(c: FakeChange, canonicalUrl: string) {
  return {
    project: c.project,
    branch: c.branch,
    id: c.changeId,
    number: c.number,
    subject: c.subject,
    owner: accountJson(c.owner),
    url: `${canonicalUrl}c/${c.project}/+/${c.number}`,
    status: c.status,
    createdOn: c.patchSets[0]!.createdOn,
    open: c.status !== 'MERGED' && c.status !== 'ABANDONED',
  };
}

/** What a query prints per change: the change attribute, and what the options ask for. */
export interface QueryShape {
  currentPatchSet?: boolean;
  comments?: boolean;
}

/** The change attribute of query results; `canonicalUrl` ends with `/`. */
export function changeAttributeJson(c: FakeChange, canonicalUrl: string, shape: QueryShape = {}) {
  return {
    ...eventChangeJson(c, canonicalUrl),
    lastUpdated: c.lastUpdated,
    ...(shape.comments
      ? {
          comments: c.messages.map((m) => ({
            timestamp: m.timestamp,
            reviewer: accountJson(m.author),
            message: m.message,
          })),
        }
      : {}),
    ...(shape.currentPatchSet === false ? {} : { currentPatchSet: patchSetJson(c, c.patchSets.at(-1)!) }),
  };
}

/** One query: the matching changes (one page of them) and whether there are more. */
export interface QueryPage {
  changes: FakeChange[];
  moreChanges: boolean;
}

function matches(c: FakeChange, field: string, v: string): boolean {
  if (field === 'status') {
    const wanted = v.toUpperCase();
    // Qt's old fork counts STAGED and INTEGRATING as open (an unknown for the newest Gerrit).
    return wanted === 'OPEN' ? !['MERGED', 'ABANDONED'].includes(c.status) : c.status === wanted;
  }
  if (field === 'project') return c.project === v;
  if (field === 'branch') return c.branch === v;
  if (field === 'change') return String(c.number) === v || c.changeId === v;
  throw new GerritRefusal(`unsupported query operator: ${field}`, 400);
}

/**
 * `gerrit query`: the non-option arguments are joined into one query of `field:value` terms
 * (status/project/branch/change, ANDed), `limit:N`; at most `defaultLimit` rows unless `limit:`
 * says fewer; `start` rows skipped.
 */
export function queryChanges(
  changes: Iterable<FakeChange>,
  query: string,
  options: { start: number; defaultLimit: number },
): QueryPage {
  let result = [...changes];
  let limit = options.defaultLimit;
  for (const term of query.split(/\s+/).filter(Boolean)) {
    const match = /^(\w+):(.+)$/.exec(term);
    if (!match) throw new GerritRefusal(`unsupported query term: ${term}`, 400);
    const [, field, value] = match as unknown as [string, string, string];
    const v = value.replace(/^"|"$/g, '');
    if (field === 'limit') limit = Math.min(Number(v), options.defaultLimit);
    else result = result.filter((c) => matches(c, field, v));
  }
  const sorted = result.sort((a, b) => b.lastUpdated - a.lastUpdated || b.number - a.number);
  const page = sorted.slice(options.start, options.start + limit);
  return { changes: page, moreChanges: sorted.length > options.start + limit };
}
