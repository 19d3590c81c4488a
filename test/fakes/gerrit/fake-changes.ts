/**
 * The Gerrit fake's changes: their records, the JSON Gerrit prints for them (query results and
 * the `change` of events), and `gerrit query` on them. fake-state.ts changes them.
 */

export type ChangeStatus = 'NEW' | 'STAGED' | 'INTEGRATING' | 'MERGED' | 'DEFERRED' | 'ABANDONED';

export interface FakeAccount {
  name: string;
  email: string;
  username: string;
}

export interface FakePatchSet {
  number: number;
  revision: string;
  ref: string;
  createdOn: number;
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
  messages: { message: string; author: string; timestamp: number }[];
  lastUpdated: number;
  /** The commit carrying this change in refs/staging/<branch> (while STAGED or INTEGRATING). */
  stagedSha?: string;
  buildId?: string;
}

/** A refused request: SSH exit code 1 with the message on stderr, REST 409. */
export class GerritRefusal extends Error {
  constructor(
    message: string,
    readonly httpStatus = 409,
  ) {
    super(message);
  }
}

/** Now in seconds, as Gerrit's times are. */
export const seconds = () => Math.floor(Date.now() / 1000);

/** An account as Gerrit's JSON shows it. */
export function accountJson(a: FakeAccount) {
  return { name: a.name, email: a.email, username: a.username };
}

/** The change attribute of query results and events; `canonicalUrl` ends with `/`. */
export function changeAttributeJson(c: FakeChange, canonicalUrl: string) {
  const ps = c.patchSets.at(-1)!;
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
    lastUpdated: c.lastUpdated,
    open: c.status !== 'MERGED' && c.status !== 'ABANDONED',
    currentPatchSet: {
      number: ps.number,
      revision: ps.revision,
      ref: ps.ref,
      uploader: accountJson(c.owner),
      createdOn: ps.createdOn,
    },
  };
}

/** `gerrit query`: terms `status:`, `project:`, `branch:`, `change:` ANDed; `limit:` too. */
export function queryChanges(changes: Iterable<FakeChange>, terms: readonly string[]): FakeChange[] {
  let result = [...changes];
  let limit = Infinity;
  for (const term of terms) {
    const match = /^(\w+):(.+)$/.exec(term);
    if (!match) throw new GerritRefusal(`unsupported query term: ${term}`, 400);
    const [, field, value] = match as unknown as [string, string, string];
    const v = value.replace(/^"|"$/g, '');
    if (field === 'status') {
      const wanted = v.toUpperCase();
      result = result.filter((c) =>
        wanted === 'OPEN' ? !['MERGED', 'ABANDONED'].includes(c.status) : c.status === wanted,
      );
    } else if (field === 'project') result = result.filter((c) => c.project === v);
    else if (field === 'branch') result = result.filter((c) => c.branch === v);
    else if (field === 'change') result = result.filter((c) => String(c.number) === v || c.changeId === v);
    else if (field === 'limit') limit = Number(v);
    else throw new GerritRefusal(`unsupported query operator: ${field}`, 400);
  }
  return result.sort((a, b) => b.lastUpdated - a.lastUpdated || b.number - a.number).slice(0, limit);
}
