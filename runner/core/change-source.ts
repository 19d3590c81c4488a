/**
 * The change-source contract: where an instance's integrations come from and where their results
 * go, in the staging workflow of Qt's CI. People stage changes on a branch; a build freezes what
 * is staged (its changes are then integrating); the integration's result is reported: pass moves
 * the branch to the build (its changes are merged), fail takes its changes out of the workflow and
 * the changes staged after them stay staged.
 *
 * Two sources implement it: Gerrit with gerrit-plugin-qt-workflow
 * (runner/node/gerrit/gerrit-change-source.ts) and a plain git repository
 * (runner/node/sources/git-change-source.ts). Both pass one contract test
 * (test/contracts/change-source-contract.ts). Writing is a separate interface (ChangeSource over
 * ChangeSourceReader), so that an instance that must not write holds a reader that cannot.
 */
import type { JsonObject } from './records';

export type ChangeSourceKind = 'gerrit' | 'git';

/** How a change is named. */
export interface ChangeName {
  /** The change's key at its source: Gerrit's change number in decimal; in git, its Change-Id trailer (the commit's sha without one). */
  readonly id: string;
  /** The number people name it by (Gerrit's change number); null where there is none (git). */
  readonly number: number | null;
}

/** Where a change is in the staging workflow; `open` is any other open state (Gerrit's NEW, ...). */
export type SourceChangeStatus = 'staged' | 'integrating' | 'open';

/** A change as its source shows it. */
export interface SourceChange extends ChangeName {
  readonly project: string;
  readonly branch: string;
  readonly subject: string;
  readonly status: SourceChangeStatus;
  /** The owner's e-mail; null when the source does not say. */
  readonly owner: string | null;
  /** When it last changed (ms since the epoch; for a staged change, when it was staged); null when unknown. */
  readonly updatedAt: number | null;
  /** A staged change: the e-mail of who staged it ('' without one); null or absent when the source does not say. */
  readonly stagedBy?: string | null;
  readonly patchSet: number | null;
  /** Where people look at it; null when it has no page. */
  readonly url: string | null;
}

/** A commit a staging or build ref carries over its branch, and the change it belongs to. */
export interface SourceCommit extends ChangeName {
  readonly sha: string;
  readonly patchSet: number | null;
  readonly subject: string;
}

/** What happened to changes that the instance records (named as Gerrit's events are). */
export type SourceEventType =
  | 'change-staged'
  | 'change-unstaged'
  | 'change-integration-pass'
  | 'change-integration-fail'
  | 'change-merged';

/** Something that happened to a change at the source. */
export interface SourceEvent extends ChangeName {
  readonly type: SourceEventType;
  readonly project: string;
  readonly branch: string;
  readonly subject: string;
  readonly patchSet: number | null;
  /** The change's status in the source's own words (Gerrit: STAGED, NEW, ...); null when not said. */
  readonly status: string | null;
  readonly owner: string | null;
  /** Who did it: their e-mail ('' when the account has none); null when the source does not say who. */
  readonly by: string | null;
}

/** What a watched source tells the instance. */
export interface ChangeSourceListener {
  /**
   * The source can be followed, for the first time or again: what happened while it could not
   * (lost events) must be looked at now. A rejection makes the source connect again.
   */
  connected(reconnected: boolean): Promise<void>;
  /** It cannot be followed (`error` says why; null: it just ended); the next try is in retryInMs. */
  disconnected(error: string | null, retryInMs: number): void;
  /** The source refuses to be followed for good (`error` says why and what to do): no more tries. */
  refused?(error: string): void;
  /** Something happened to a change. */
  changed(event: SourceEvent): void;
  /** The source said something that cannot be read (logged, then ignored). */
  unreadable(text: string, error: string): void;
}

/** A running watch of a source. */
export interface SourceWatch {
  /** Stop following the source; resolves when nothing of the watch is left running. */
  stop(): Promise<void>;
}

/** A revision fetched into the instance's mirror, where the planner reads it. */
export interface FetchedRevision {
  /** The mirror repository of the project. */
  readonly repo: string;
  readonly sha: string;
  /** Where the planner looks for the projects a dependencies.yaml names. */
  readonly searchRoots: readonly string[];
}

/** A build to report. */
export interface BuildRef {
  readonly project: string;
  readonly branch: string;
  readonly buildId: string;
}

/** Reading a change source: everything an instance that never writes may do. */
export interface ChangeSourceReader {
  readonly kind: ChangeSourceKind;
  /** What the instance follows, for messages (`gerrit stream-events`). */
  readonly feed: string;
  /** Follow the source until stop(): reconnects by itself, with `listener.connected` after each connection. */
  watch(listener: ChangeSourceListener): SourceWatch;
  /** Every staged change of the source's projects. */
  stagedChanges(): Promise<SourceChange[]>;
  /** Every change that is in a build whose result was not reported. */
  integratingChanges(): Promise<SourceChange[]>;
  /** The open changes of a project/branch: staged, integrating and (where the source has them) the others. */
  openChanges(project: string, branch: string): Promise<SourceChange[]>;
  /** The ref that holds what is staged on a branch (`refs/staging/<branch>`). */
  stagingRef(branch: string): string;
  /** The commits `ref` (a staging or build ref) carries over `branch`, oldest first; throws when `ref` does not exist. */
  listCommits(project: string, ref: string, branch: string): Promise<SourceCommit[]>;
  /** Fetch `ref` of a project into the instance's mirror. */
  fetch(project: string, ref: string): Promise<FetchedRevision>;
  /** Fetch the projects the dependencies.yaml of a fetched revision names (recursively) into the mirror. */
  fetchDependencies(project: string, sha: string): Promise<void>;
  /** Close connections; nothing may be called afterwards. */
  close(): Promise<void>;
}

/** A change source an instance may write to: it makes builds and reports them. */
export interface ChangeSource extends ChangeSourceReader {
  /**
   * Freeze what is staged on a branch as build `buildId` (its changes become integrating); the
   * build's ref, or null when nothing new is staged.
   */
  createBuild(project: string, branch: string, buildId: string): Promise<string | null>;
  /**
   * Report a build's result with a message for people: pass moves the branch to the build, fail
   * takes its changes out of the workflow. Throws ChangeSourceRefusal when the source refuses.
   */
  report(build: BuildRef, result: 'pass' | 'fail', message: string): Promise<void>;
}

/** The source answered and said no (asking again will not help), as opposed to not answering. */
export class ChangeSourceRefusal extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'ChangeSourceRefusal';
  }
}

/** Where an integration came from: stored with its task (`source.origin`). */
export type BuildOrigin = {
  readonly kind: ChangeSourceKind;
  readonly project: string;
  readonly branch: string;
  /** null when no build was made (an instance that does not write integrates the staging ref). */
  readonly buildId: string | null;
  readonly ref: string;
};

/** The origin stored in a task's source, when it came from a change source of `kind`. */
export function buildOriginOf(source: JsonObject, kind: ChangeSourceKind): BuildOrigin | undefined {
  const origin = source.origin as Partial<BuildOrigin> | undefined;
  if (origin?.kind !== kind) return undefined;
  if (typeof origin.project !== 'string' || typeof origin.branch !== 'string') return undefined;
  return {
    kind,
    project: origin.project,
    branch: origin.branch,
    buildId: typeof origin.buildId === 'string' ? origin.buildId : null,
    ref: typeof origin.ref === 'string' ? origin.ref : '',
  };
}

/** A change as logs and stored events name it: its number where it has one, else its id. */
export function changeLabel(change: ChangeName): number | string {
  return change.number ?? change.id;
}

/**
 * A view of a source with only the reading methods (the object itself, not just its type, has no
 * createBuild or report): what an instance that must not write is given.
 */
export function readOnlyView(source: ChangeSourceReader): ChangeSourceReader {
  return {
    kind: source.kind,
    feed: source.feed,
    watch: (listener) => source.watch(listener),
    stagedChanges: () => source.stagedChanges(),
    integratingChanges: () => source.integratingChanges(),
    openChanges: (project, branch) => source.openChanges(project, branch),
    stagingRef: (branch) => source.stagingRef(branch),
    listCommits: (project, ref, branch) => source.listCommits(project, ref, branch),
    fetch: (project, ref) => source.fetch(project, ref),
    fetchDependencies: (project, sha) => source.fetchDependencies(project, sha),
    close: () => source.close(),
  };
}
