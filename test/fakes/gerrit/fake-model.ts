/**
 * The Gerrit fake's records and what Gerrit tells about them: projects (real bare repositories,
 * fake-repos.ts) with their staging-queue branches, changes, change messages, and the events of
 * `gerrit stream-events` in the shapes protocol-facts.md gives: the plugin's events carry
 * `{type, change, project, refName, changeKey, eventCreatedOn}` and nothing else, core events
 * their own accounts and patch sets. fake-state.ts runs the staging workflow on top.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  accountJson,
  changeAttributeJson,
  eventChangeJson,
  GerritRefusal,
  queryChanges,
  seconds,
  type ChangeStatus,
  type FakeAccount,
  type FakeChange,
  type QueryPage,
  type QueryShape,
} from './fake-changes';
import { changeRef, FakeRepo } from './fake-repos';

/** Events of the qt-workflow plugin that carry no patch set and no actor. */
export type PluginEventType =
  'change-staged' | 'change-unstaged' | 'change-integration-pass' | 'change-integration-fail';

export class FakeModel {
  readonly events = new EventEmitter().setMaxListeners(0);
  readonly changes = new Map<number, FakeChange>();
  protected readonly repos = new Map<string, FakeRepo>();
  /** Per project: the branches of `stagingQueueBranches` in its plugin config. */
  private readonly queueBranches = new Map<string, Set<string>>();
  private nextNumber = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Rows a query answers without `limit:` (Gerrit's default query limit). */
  queryLimit = 500;

  constructor(
    private readonly root: string,
    readonly canonicalUrl: string,
  ) {}

  /** Run `body` after every earlier operation (the worktree is shared). */
  serialized<T>(body: () => Promise<T>): Promise<T> {
    const result = this.queue.then(body);
    this.queue = result.catch(() => undefined);
    return result;
  }

  repo(project: string): FakeRepo {
    const repo = this.repos.get(project.replace(/\.git$/, ''));
    if (!repo) throw new GerritRefusal('project not found', 404);
    return repo;
  }

  projects(): string[] {
    return [...this.repos.keys()];
  }

  gitPath(project: string): string {
    return this.repo(project).bare;
  }

  createProject(project: string, branch: string, files: Record<string, string>): Promise<string> {
    return this.serialized(async () => {
      const repo = new FakeRepo(this.root, project);
      const sha = await repo.create(branch, files);
      this.repos.set(project, repo);
      return sha;
    });
  }

  /** `[plugin "gerrit-plugin-qt-workflow"] stagingQueueBranches = "<branches>"` of a project. */
  setStagingQueueBranches(project: string, branches: readonly string[]): void {
    this.queueBranches.set(project, new Set(branches));
  }

  /** Whether a change's branch is a staging-queue branch (its changes pass through PRESTAGED). */
  protected prestageMode(c: FakeChange): boolean {
    return this.queueBranches.get(c.project)?.has(c.branch) ?? false;
  }

  /** Upload a new change (patch set 1) on top of the branch. */
  createChange(input: {
    project: string;
    branch: string;
    subject: string;
    files: Record<string, string>;
    owner: FakeAccount;
  }): Promise<FakeChange> {
    return this.serialized(async () => {
      const repo = this.repo(input.project);
      const base = await repo.resolve(`refs/heads/${input.branch}`);
      if (!base) throw new GerritRefusal('branch not found', 404);
      const number = this.nextNumber++;
      const changeId = `I${randomBytes(20).toString('hex')}`;
      const revision = await repo.commitFiles(base, input.files, input.subject, input.owner, changeId);
      const ref = changeRef(number, 1);
      await repo.updateRef(ref, revision);
      const change: FakeChange = {
        number,
        project: input.project,
        branch: input.branch,
        changeId,
        subject: input.subject,
        owner: input.owner,
        status: 'NEW',
        patchSets: [{ number: 1, revision, ref, createdOn: seconds() }],
        messages: [],
        lastUpdated: seconds(),
      };
      this.changes.set(number, change);
      this.emitCore('patchset-created', change, { uploader: accountJson(input.owner) });
      return change;
    });
  }

  // ---- the JSON and events of Gerrit ----

  changeAttribute(c: FakeChange, shape?: QueryShape) {
    return changeAttributeJson(c, this.canonicalUrl, shape);
  }

  protected emit(type: string, body: Record<string, unknown>): void {
    this.events.emit('event', { type, ...body, eventCreatedOn: seconds() });
  }

  /** A plugin event: the change and where it is; no patch set, no account. */
  protected emitPlugin(type: PluginEventType, c: FakeChange): void {
    this.emit(type, this.pluginEventBase(c));
  }

  protected pluginEventBase(c: FakeChange) {
    return {
      change: eventChangeJson(c, this.canonicalUrl),
      project: c.project,
      refName: `refs/heads/${c.branch}`,
      changeKey: { id: c.changeId },
    };
  }

  /** A core change event: the change, its current patch set, and `extra` (the account that acted). */
  protected emitCore(type: string, c: FakeChange, extra: Record<string, unknown>): void {
    const ps = c.patchSets.at(-1)!;
    const patchSet = { ...this.changeAttribute(c).currentPatchSet, number: ps.number };
    this.emit(type, { change: eventChangeJson(c, this.canonicalUrl), patchSet, ...extra });
  }

  protected emitRefUpdated(
    project: string,
    refName: string,
    oldRev: string | null,
    newRev: string,
    by: FakeAccount,
  ) {
    this.emit('ref-updated', {
      submitter: accountJson(by),
      refUpdate: { oldRev: oldRev ?? '0'.repeat(40), newRev, refName, project },
    });
  }

  /** What a stream-events client sees when Gerrit's event queue overflowed for it. */
  dropOutput(): void {
    this.events.emit('event', { type: 'dropped-output', eventCreatedOn: seconds() });
  }

  // ---- lookups and changes ----

  /** A change by number, `project~branch~Change-Id`, or Change-Id. */
  find(id: string): FakeChange {
    const byNumber = /^\d+$/.test(id) ? this.changes.get(Number(id)) : undefined;
    const found =
      byNumber ??
      [...this.changes.values()].find(
        (c) => c.changeId === id || `${c.project}~${c.branch}~${c.changeId}` === id,
      );
    if (!found) throw new GerritRefusal(`change not found: ${id}`, 404);
    return found;
  }

  /** The patch set `rev` names: a sha, a patch set number, or `current`. */
  revision(c: FakeChange, rev: string) {
    const ps =
      rev === 'current'
        ? c.patchSets.at(-1)
        : c.patchSets.find((p) => p.revision === rev || String(p.number) === rev);
    if (!ps) throw new GerritRefusal(`revision not found: ${rev}`, 404);
    return ps;
  }

  protected note(c: FakeChange, message: string, by: FakeAccount): void {
    c.messages.push({ message, author: by, timestamp: seconds() });
    c.lastUpdated = seconds();
  }

  protected setStatus(c: FakeChange, status: ChangeStatus): void {
    c.status = status;
    c.lastUpdated = seconds();
    if (status !== 'STAGED' && status !== 'INTEGRATING') c.stagedSha = undefined;
    if (status !== 'INTEGRATING') c.buildId = undefined;
  }

  /** `gerrit query`: one query of ANDed terms, paged. */
  query(query: string, start = 0): QueryPage {
    return queryChanges(this.changes.values(), query, { start, defaultLimit: this.queryLimit });
  }
}
