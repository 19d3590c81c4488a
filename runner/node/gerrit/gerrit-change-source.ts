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
import type { GerritChange, GerritEvent } from '../../core/gerrit/gerrit-protocol';
import type { GitMirror } from '../sources/git-mirror';
import type { GerritClient } from './gerrit-client';
import { GerritEventStream } from './gerrit-event-stream';
import { GerritCommandError } from './gerrit-ssh';

export interface GerritChangeSourceOptions {
  client: GerritClient;
  mirror: GitMirror;
  /** First wait before reconnecting stream-events (ms). */
  initialBackoffMs?: number;
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

function sourceChange(c: GerritChange): SourceChange {
  return {
    id: String(c.number),
    number: c.number,
    project: c.project,
    branch: c.branch,
    subject: c.subject,
    status: c.status === 'STAGED' ? 'staged' : c.status === 'INTEGRATING' ? 'integrating' : 'open',
    owner: c.owner?.email ?? null,
    updatedAt: c.lastUpdated === undefined ? null : c.lastUpdated * 1000,
    patchSet: c.currentPatchSet?.number ?? null,
    url: c.url ?? null,
  };
}

/** A stream-events event the instance records, as a source event; undefined for the others. */
export function sourceEventOf(event: GerritEvent): SourceEvent | undefined {
  if (event.type === 'unknown' || event.type === 'ref-updated' || !eventTypesRecorded.has(event.type))
    return undefined;
  const { change } = event;
  // The account that acted: `changer` (staging events) or `submitter`; its e-mail may be missing.
  const actor = event as { changer?: { email?: string }; submitter?: { email?: string } };
  const by = actor.changer ?? actor.submitter;
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
    by: by ? (by.email ?? '') : null,
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
        const found = sourceEventOf(event);
        if (found) listener.changed(found);
      },
      onConnected: (reconnected) => listener.connected(reconnected),
      onDisconnected: (error, retryInMs) =>
        listener.disconnected(error ? gerritErrorText(error) : null, retryInMs),
      onBadLine: (line, error) => listener.unreadable(line, error.message),
      initialBackoffMs: this.options.initialBackoffMs,
    });
    stream.start();
    return { stop: () => stream.stop() };
  }

  private async query(terms: readonly string[]): Promise<SourceChange[]> {
    return (await refusals(this.options.client.query(terms))).changes.map(sourceChange);
  }

  stagedChanges(): Promise<SourceChange[]> {
    return this.query(['status:staged']);
  }

  integratingChanges(): Promise<SourceChange[]> {
    return this.query(['status:integrating']);
  }

  openChanges(project: string, branch: string): Promise<SourceChange[]> {
    return this.query([`project:${project}`, `branch:${branch}`, 'status:open']);
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
      if (error instanceof GerritCommandError && /no changes/i.test(error.stderr)) return null;
      return refusals(Promise.reject(error));
    }
    return `refs/builds/${buildId}`;
  }

  async report(build: BuildRef, result: 'pass' | 'fail', message: string): Promise<void> {
    await refusals(this.options.client.stagingApprove({ ...build, result, message }));
  }

  close(): Promise<void> {
    return this.options.client.close();
  }
}
