/**
 * `GET <base>/api/gerrit` as plain values: what an instance that watches Gerrit knows (its
 * connection, its mode, the changes it waits for, builds and reported), Gerrit's own view
 * (`status:staged` and `status:integrating`), and whether the two converge as Coin's
 * administration guide asks: no change INTEGRATING in Gerrit without a running Coin task, no
 * staged change Coin does not know about. No I/O: runner/node/server/gerrit-route.ts gathers the
 * facts, the dashboard page and the maintenance check read the answer.
 */
import type { GerritChange } from './gerrit-protocol';

/** The stream-events connection of the instance. */
export interface GerritConnectionState {
  /** `refused`: Gerrit refused stream-events for good (no Stream Events capability); not retried. */
  readonly state: 'connecting' | 'connected' | 'reconnecting' | 'refused';
  /** Since when it is in that state (ISO time). */
  readonly since: string;
  /** Why the last connection ended or failed (null when none did). */
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  /** While reconnecting: the wait before the next attempt. */
  readonly retryInMs: number | null;
}

/** A change as the page shows it. */
export interface GerritChangeRef {
  readonly change: number;
  readonly patchSet: number | null;
  readonly subject: string;
  readonly url: string | null;
}

/** Cherry-picks that accumulate before a build is made. */
export interface GerritWaiting {
  readonly project: string;
  readonly branch: string;
  readonly until: string;
  readonly changes: readonly number[];
}

/** A build of this instance whose task runs (or, read-only, an integration of refs/staging). */
export interface GerritBuilding {
  readonly taskId: string;
  readonly project: string;
  readonly branch: string;
  /** null for a read-only instance (no build is made). */
  readonly buildId: string | null;
  readonly state: string;
  readonly changes: readonly GerritChangeRef[];
}

/** How a finished integration was reported to Gerrit. */
/** `not-merged`: approved as passed, and Gerrit did not merge the changes (they are NEW again). */
export type GerritReport =
  'reporting' | 'approved' | 'not-merged' | 'would-approve' | 'approve-failed' | 'unknown';

/** A finished integration of changes from Gerrit. */
export interface GerritFinished {
  readonly taskId: string;
  readonly project: string;
  readonly branch: string;
  readonly buildId: string | null;
  readonly state: string;
  readonly result: 'pass' | 'fail';
  readonly finished: string | null;
  /** What this run of the instance did with the result ('unknown' for tasks of an earlier run). */
  readonly report: GerritReport;
  readonly reportError: string | null;
  readonly changes: readonly GerritChangeRef[];
}

/** What Coin makes of a change Gerrit shows STAGED or INTEGRATING. */
export type CoinView =
  | { readonly kind: 'building'; readonly taskId: string }
  | { readonly kind: 'preparing' }
  | { readonly kind: 'reported'; readonly taskId: string | null }
  | { readonly kind: 'waiting'; readonly until: string }
  | { readonly kind: 'queued-behind'; readonly taskId: string }
  | { readonly kind: 'looking' }
  | { readonly kind: 'integrated'; readonly taskId: string }
  | { readonly kind: 'other-instance' }
  /** PRESTAGED: in the staging queue, waiting for promotion; Coin never builds it. */
  | { readonly kind: 'prestaged' }
  | { readonly kind: 'unknown' };

/** One change of Gerrit's view with Coin's. */
export interface GerritRow {
  readonly change: number;
  readonly patchSet: number | null;
  readonly project: string;
  readonly branch: string;
  readonly subject: string;
  readonly owner: string | null;
  readonly url: string | null;
  readonly status: 'PRESTAGED' | 'STAGED' | 'INTEGRATING';
  readonly coin: CoinView;
}

export interface GerritConvergence {
  /** null when Gerrit's view could not be read. */
  readonly converged: boolean | null;
  /** INTEGRATING in Gerrit, and no task of this instance builds (or just reported) them. */
  readonly integratingWithoutTask: readonly GerritRow[];
  /** STAGED in Gerrit, and this instance neither builds, waits for nor looks at them. */
  readonly stagedUnknown: readonly GerritRow[];
  /** One line for people: `converged: ...` or `not converged: ...`. */
  readonly summary: string;
}

/** One entry of the plugin's `ci-status-update`. */
export interface CiStatusEntry {
  readonly name: string;
  readonly running: number;
  readonly queue: number;
  /** 0 low, 1 busy, 2 overloaded. */
  readonly load: 0 | 1 | 2;
}

/** Whether the instance publishes its load to Gerrit (`ci-status-update`). */
export interface GerritCiStatus {
  /**
   * `published`: the last update was taken; `not-permitted`: the account lacks `ciStatusUpdate`
   * (not tried again); `failing`: the last try failed otherwise; `pending`: not tried yet;
   * `read-only`: an instance that does not write never publishes.
   */
  readonly state: 'published' | 'not-permitted' | 'failing' | 'pending' | 'read-only';
  readonly at: string | null;
  readonly error: string | null;
  readonly last: CiStatusEntry | null;
}

/** The answer when the instance watches Gerrit. */
export interface GerritOverview {
  readonly enabled: true;
  readonly mode: 'write' | 'read-only';
  /** `ssh://user@host:port`. */
  readonly server: string;
  /** Watched projects (empty: all). */
  readonly projects: readonly string[];
  readonly connection: GerritConnectionState;
  readonly ciStatus: GerritCiStatus;
  readonly coin: {
    readonly waiting: readonly GerritWaiting[];
    readonly building: readonly GerritBuilding[];
    readonly finished: readonly GerritFinished[];
  };
  readonly gerrit: {
    /** When Gerrit was last asked (null: not yet, or it never answered). */
    readonly checkedAt: string | null;
    /** Why the last query failed (its view then is the last good one, if any). */
    readonly error: string | null;
    /** How long an answer of Gerrit is reused when nothing happened (ms). */
    readonly maxAgeMs: number;
    readonly staged: readonly GerritRow[];
    readonly integrating: readonly GerritRow[];
    /** The staging queue (PRESTAGED, on `stagingQueueBranches`): never built by Coin. */
    readonly prestaged: readonly GerritRow[];
  };
  readonly convergence: GerritConvergence;
}

/** The whole answer of `GET <base>/api/gerrit`. */
export type GerritApiAnswer = { readonly enabled: false } | GerritOverview;

/** What the instance knows, for the comparison. */
export interface CoinFacts {
  readonly write: boolean;
  readonly building: readonly GerritBuilding[];
  /** Project/branch pairs (`project/branch`) whose new build is being fetched and queued. */
  readonly preparing: readonly string[];
  readonly waiting: readonly GerritWaiting[];
  /** Project/branch pairs being looked at, or to be looked at again soon (after an error). */
  readonly looking: readonly string[];
  /** Integrations reported (or whose report is under way) after Gerrit's view was taken. */
  readonly reportedSince: readonly { taskId: string | null; changes: readonly number[] }[];
  /** Read-only: the changes of the last integration of refs/staging per project/branch. */
  readonly integrated: readonly { key: string; taskId: string; changes: readonly number[] }[];
}

const key = (project: string, branch: string) => `${project}/${branch}`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function row(change: GerritChange, status: GerritRow['status'], coin: CoinView): GerritRow {
  return {
    change: change.number,
    patchSet: change.currentPatchSet?.number ?? null,
    project: change.project,
    branch: change.branch,
    subject: change.subject,
    owner: change.owner?.email ?? change.owner?.name ?? null,
    url: change.url ?? null,
    status,
    coin,
  };
}

/** Coin's view of an INTEGRATING change. */
function integratingView(change: GerritChange, coin: CoinFacts): CoinView {
  const task = coin.building.find((b) => b.changes.some((c) => c.change === change.number));
  if (task) return { kind: 'building', taskId: task.taskId };
  const reported = coin.reportedSince.find((r) => r.changes.includes(change.number));
  if (reported) return { kind: 'reported', taskId: reported.taskId };
  if (coin.preparing.includes(key(change.project, change.branch))) return { kind: 'preparing' };
  return coin.write ? { kind: 'unknown' } : { kind: 'other-instance' };
}

/** Coin's view of a STAGED change. */
function stagedView(change: GerritChange, coin: CoinFacts): CoinView {
  const k = key(change.project, change.branch);
  const task = coin.building.find((b) => b.changes.some((c) => c.change === change.number));
  if (task) return { kind: 'building', taskId: task.taskId };
  const waiting = coin.waiting.find((w) => key(w.project, w.branch) === k);
  if (waiting) return { kind: 'waiting', until: waiting.until };
  const behind = coin.building.find((b) => key(b.project, b.branch) === k);
  if (behind) return { kind: 'queued-behind', taskId: behind.taskId };
  if (coin.preparing.includes(k) || coin.looking.includes(k)) return { kind: 'looking' };
  const integrated = coin.integrated.find((i) => i.key === k && i.changes.includes(change.number));
  if (integrated) return { kind: 'integrated', taskId: integrated.taskId };
  return { kind: 'unknown' };
}

/** Gerrit's view next to Coin's: each change with what Coin makes of it, and the convergence. */
export function compareWithGerrit(
  gerrit: {
    staged: readonly GerritChange[];
    integrating: readonly GerritChange[];
    prestaged?: readonly GerritChange[];
  } | null,
  coin: CoinFacts,
  gerritError: string | null = null,
): { staged: GerritRow[]; integrating: GerritRow[]; prestaged: GerritRow[]; convergence: GerritConvergence } {
  if (!gerrit)
    return {
      staged: [],
      integrating: [],
      prestaged: [],
      convergence: {
        converged: null,
        integratingWithoutTask: [],
        stagedUnknown: [],
        summary: `unknown: Gerrit's view could not be read${gerritError ? ` (${gerritError})` : ''}`,
      },
    };
  const staged = gerrit.staged.map((c) => row(c, 'STAGED', stagedView(c, coin)));
  const integrating = gerrit.integrating.map((c) => row(c, 'INTEGRATING', integratingView(c, coin)));
  const prestaged = (gerrit.prestaged ?? []).map((c) => row(c, 'PRESTAGED', { kind: 'prestaged' }));
  const integratingWithoutTask = integrating.filter((r) => r.coin.kind === 'unknown');
  const stagedUnknown = staged.filter((r) => r.coin.kind === 'unknown');
  const converged = integratingWithoutTask.length === 0 && stagedUnknown.length === 0;
  const counts = `${staged.length} staged, ${integrating.length} integrating in Gerrit`;
  let summary: string;
  if (converged) {
    const others = integrating.filter((r) => r.coin.kind === 'other-instance').length;
    summary = `converged: ${counts}${others ? ` (${others} built by another instance: this one is read-only)` : ''}; Coin knows every one`;
  } else {
    const problems = [
      integratingWithoutTask.length
        ? `${plural(integratingWithoutTask.length, 'change')} integrating in Gerrit with no Coin task`
        : '',
      stagedUnknown.length ? `${plural(stagedUnknown.length, 'staged change')} Coin does not know about` : '',
    ].filter(Boolean);
    summary = `not converged: ${problems.join(', ')}`;
  }
  return {
    staged,
    integrating,
    prestaged,
    convergence: { converged, integratingWithoutTask, stagedUnknown, summary },
  };
}

/** One line per change for evidence: `qt/qtbase dev 1234 "Subject" (INTEGRATING)`. */
export function describeRow(r: GerritRow): string {
  return `${r.project} ${r.branch} ${r.change}${r.patchSet ? `,${r.patchSet}` : ''} "${r.subject}" (${r.status})${r.url ? ` ${r.url}` : ''}`;
}
