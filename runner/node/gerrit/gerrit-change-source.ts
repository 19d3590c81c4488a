/**
 * Gerrit with Qt's staging workflow as a change source (runner/core/change-source.ts): the
 * plugin's commands over SSH (gerrit-client.ts), `gerrit stream-events` (gerrit-event-stream.ts)
 * and the project repositories fetched into the instance's mirror (runner/node/sources/git-mirror.ts).
 * A command Gerrit refuses (exit 1, `fatal: ...`) becomes a ChangeSourceRefusal with Gerrit's words.
 */
import {
  ChangeSourceRefusal,
  type BuildRef,
  type ChangeSource,
  type ChangeSourceListener,
  type FetchedRevision,
  type SourceChange,
  type SourceCommit,
  type SourceEvent,
  type SourceEventType,
  type SourceWatch,
} from '../../core/change-source';
import {
  lastStaged,
  type GerritChange,
  type GerritEvent,
  type GerritPrecheckEvent,
} from '../../core/gerrit/gerrit-protocol';
import type { GitMirror } from '../sources/git-mirror';
import type { GerritClient } from './gerrit-client';
import { PassNotMergedError } from './build-reporter';
import { GerritEventStream } from './gerrit-event-stream';
import { GerritCommandError } from './gerrit-ssh';

export interface GerritChangeSourceOptions {
  client: GerritClient;
  mirror: GitMirror;
  /** First wait before reconnecting stream-events (ms). */
  initialBackoffMs?: number;
  /** A `precheck` event (Gerrit-only: the change-source contract has no prechecks). */
  onPrecheck?(event: GerritPrecheckEvent): void;
}

/** The events an instance records (the others carry nothing it acts on). */
const eventTypesRecorded: ReadonlySet<string> = new Set<SourceEventType>([
  'change-staged',
  'change-unstaged',
  'change-integration-pass',
  'change-integration-fail',
  'change-merged',
]);

/** For people: Gerrit's own words when it refused a command. */
export function gerritErrorText(error: unknown): string {
  if (error instanceof GerritCommandError) return error.stderr.trim() || error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Gerrit refusing a command becomes a ChangeSourceRefusal; other failures pass unchanged. */
async function refusals<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof GerritCommandError)
      throw new ChangeSourceRefusal(gerritErrorText(error), { cause: error });
    throw error;
  }
}

/**
 * A change as a source change. A staged change's time and who staged it come from its "Staged for
 * CI" message (queried with --comments), not `lastUpdated` (any later comment moves that).
 */
export function sourceChange(c: GerritChange): SourceChange {
  const staged = c.status === 'STAGED' || c.status === 'INTEGRATING' ? lastStaged(c) : null;
  return {
    id: String(c.number),
    number: c.number,
    project: c.project,
    branch: c.branch,
    subject: c.subject,
    status: c.status === 'STAGED' ? 'staged' : c.status === 'INTEGRATING' ? 'integrating' : 'open',
    owner: c.owner?.email ?? null,
    updatedAt: staged?.at ?? (c.lastUpdated === undefined ? null : c.lastUpdated * 1000),
    stagedBy: staged?.by ?? null,
    patchSet: c.currentPatchSet?.number ?? null,
    url: c.url ?? null,
  };
}

/**
 * A stream-events event the instance records, as a source event; undefined for the others. The
 * plugin's events name no account and no patch set (`by` and `patchSet` are then null); core
 * events name the account that acted (`submitter` of a merge).
 */
export function sourceEventOf(event: GerritEvent): SourceEvent | undefined {
  const { type } = event;
  if (type === 'unknown' || type === 'ref-updated' || type === 'dropped-output' || type === 'precheck')
    return undefined;
  if (!eventTypesRecorded.has(type)) return undefined;
  const { change } = event;
  const actor = event as { submitter?: { email?: string } };
  return {
    type: event.type as SourceEventType,
    id: String(change.number),
    number: change.number,
    project: change.project,
    branch: change.branch,
    subject: change.subject,
    patchSet: event.patchSet?.number ?? null,
    status: change.status ?? null,
    owner: change.owner?.email ?? null,
    by: actor.submitter ? (actor.submitter.email ?? '') : null,
  };
}

export class GerritChangeSource implements ChangeSource {
  readonly kind = 'gerrit' as const;
  readonly feed = 'gerrit stream-events';

  constructor(private readonly options: GerritChangeSourceOptions) {}

  watch(listener: ChangeSourceListener): SourceWatch {
    const stream = new GerritEventStream({
      connect: () => this.options.client.connect(),
      onEvent: (event) => {
        if (event.type === 'precheck') return this.options.onPrecheck?.(event);
        const found = sourceEventOf(event);
        if (found) listener.changed(found);
      },
      onConnected: (reconnected) => listener.connected(reconnected),
      onDisconnected: (error, retryInMs) =>
        listener.disconnected(error ? gerritErrorText(error) : null, retryInMs),
      onRefused: (error) =>
        listener.refused ? listener.refused(error.message) : listener.disconnected(error.message, 0),
      onBadLine: (line, error) => listener.unreadable(line, error.message),
      initialBackoffMs: this.options.initialBackoffMs,
    });
    stream.start();
    return { stop: () => stream.stop() };
  }

  /** Every change of a query (paged), with its messages when `comments`. */
  private async query(terms: readonly string[], comments = false): Promise<SourceChange[]> {
    return (await refusals(this.options.client.query(terms, { comments }))).changes.map(sourceChange);
  }

  stagedChanges(): Promise<SourceChange[]> {
    return this.query(['status:staged']);
  }

  integratingChanges(): Promise<SourceChange[]> {
    return this.query(['status:integrating']);
  }

  /**
   * The staged and integrating changes of a project/branch, each asked by its status: whether
   * `status:open` includes them on the newest Gerrit is not known (it did in Qt's old fork).
   */
  async openChanges(project: string, branch: string): Promise<SourceChange[]> {
    const where = [`project:${project}`, `branch:${branch}`];
    const [staged, integrating] = await Promise.all([
      this.query(['status:staged', ...where], true),
      this.query(['status:integrating', ...where], true),
    ]);
    return [...staged, ...integrating];
  }

  stagingRef(branch: string): string {
    return `refs/staging/${branch}`;
  }

  async listCommits(project: string, ref: string, branch: string): Promise<SourceCommit[]> {
    const commits = await refusals(this.options.client.stagingLs(project, ref, branch));
    return commits.map((c) => ({
      id: String(c.change),
      number: c.change,
      sha: c.sha,
      patchSet: c.patchSet,
      subject: c.subject,
    }));
  }

  fetch(project: string, ref: string): Promise<FetchedRevision> {
    return this.options.mirror.fetch(project, ref);
  }

  fetchDependencies(project: string, sha: string): Promise<void> {
    return this.options.mirror.fetchDependencies(project, sha);
  }

  async createBuild(project: string, branch: string, buildId: string): Promise<string | null> {
    try {
      await this.options.client.stagingNewBuild(project, branch, buildId);
    } catch (error) {
      // nothing staged: no changes on the staging ref, or no staging ref at all (never staged)
      if (error instanceof GerritCommandError && /no changes|staging ref not found/i.test(error.stderr))
        return null;
      return refusals(Promise.reject(error));
    }
    return `refs/builds/${buildId}`;
  }

  /**
   * Approve a build. Exit 0 of a pass is not proof of a merge: the build's changes (listed before)
   * are read again afterwards, and any that is not MERGED makes it a PassNotMergedError.
   */
  async report(build: BuildRef, result: 'pass' | 'fail', message: string): Promise<void> {
    const { client } = this.options;
    const commits =
      result === 'pass'
        ? await refusals(client.stagingLs(build.project, `refs/builds/${build.buildId}`, build.branch))
        : [];
    await refusals(client.stagingApprove({ ...build, result, message }));
    const left: { number: number; status: string }[] = [];
    for (const { change } of commits) {
      const [now] = (await refusals(client.queryPage([`change:${change}`]))).changes;
      if (now?.status !== 'MERGED') left.push({ number: change, status: now?.status ?? 'unknown' });
    }
    if (left.length > 0) throw new PassNotMergedError(left, build.buildId);
  }

  close(): Promise<void> {
    return this.options.client.close();
  }
}
