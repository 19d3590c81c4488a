/**
 * The Gerrit fake's model: changes with the statuses of Qt's staging workflow and the refs that
 * go with them, kept in real git repositories (fake-repos.ts). What the SSH commands and REST
 * actions do, and the events they emit, is decided here; the transports only parse and print.
 *
 * NEW -stage-> STAGED -staging-new-build-> INTEGRATING -approve pass-> MERGED (the branch is
 * fast-forwarded to the build) | -approve fail-> NEW (the staging ref is rebuilt from the branch
 * with the changes still staged). A cherry-pick conflict while staging sends a change back to NEW.
 * NEW -defer-> DEFERRED -reopen-> NEW; NEW|DEFERRED -abandon-> ABANDONED.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  accountJson,
  changeAttributeJson,
  GerritRefusal,
  queryChanges,
  seconds,
  type ChangeStatus,
  type FakeAccount,
  type FakeChange,
} from './fake-changes';
import { changeRef, FakeRepo } from './fake-repos';

export * from './fake-changes';

export class FakeGerritState {
  readonly events = new EventEmitter().setMaxListeners(0);
  readonly changes = new Map<number, FakeChange>();
  private readonly repos = new Map<string, FakeRepo>();
  /** Stage order per project/branch (change numbers). */
  private readonly stageOrder = new Map<string, number[]>();
  private nextNumber = 1;
  private queue: Promise<unknown> = Promise.resolve();

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
    const repo = this.repos.get(project);
    if (!repo) throw new GerritRefusal(`project not found: ${project}`, 404);
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
      if (!base) throw new GerritRefusal(`branch not found: ${input.branch}`, 404);
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
      this.emit('patchset-created', { ...this.changeEventBase(change), uploader: this.account(input.owner) });
      return change;
    });
  }

  // ---- the event and JSON shapes of Gerrit ----

  account(a: FakeAccount) {
    return accountJson(a);
  }

  changeAttribute(c: FakeChange) {
    return changeAttributeJson(c, this.canonicalUrl);
  }

  private changeEventBase(c: FakeChange) {
    const attr = this.changeAttribute(c);
    const { currentPatchSet, ...change } = attr;
    return { change, patchSet: currentPatchSet };
  }

  private emit(type: string, body: Record<string, unknown>): void {
    this.events.emit('event', { type, ...body, eventCreatedOn: seconds() });
  }

  private emitChange(type: string, c: FakeChange, by: FakeAccount, extra: Record<string, unknown> = {}) {
    this.emit(type, { ...this.changeEventBase(c), changer: this.account(by), ...extra });
  }

  private emitRefUpdated(
    project: string,
    refName: string,
    oldRev: string | null,
    newRev: string,
    by: FakeAccount,
  ) {
    this.emit('ref-updated', {
      submitter: this.account(by),
      refUpdate: { oldRev: oldRev ?? '0'.repeat(40), newRev, refName, project },
    });
  }

  // ---- lookups ----

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

  private key(project: string, branch: string): string {
    return `${project}\n${branch}`;
  }

  private order(project: string, branch: string): number[] {
    const key = this.key(project, branch);
    let list = this.stageOrder.get(key);
    if (!list) this.stageOrder.set(key, (list = []));
    return list;
  }

  private note(c: FakeChange, message: string, by: FakeAccount): void {
    c.messages.push({ message, author: by.username, timestamp: seconds() });
    c.lastUpdated = seconds();
  }

  private setStatus(c: FakeChange, status: ChangeStatus): void {
    c.status = status;
    c.lastUpdated = seconds();
    if (status !== 'STAGED' && status !== 'INTEGRATING') {
      c.stagedSha = undefined;
      const list = this.order(c.project, c.branch);
      const at = list.indexOf(c.number);
      if (at >= 0) list.splice(at, 1);
    }
    if (status !== 'INTEGRATING') c.buildId = undefined;
  }

  // ---- the staging workflow ----

  /** Stage changes (`change,patchset` or a change number): each cherry-picked onto the staging ref. */
  stage(ids: readonly string[], by: FakeAccount): Promise<FakeChange[]> {
    return this.serialized(async () => {
      const staged: FakeChange[] = [];
      for (const id of ids) {
        const [number, patchSet] = id.split(',');
        const c = this.find(number!);
        const current = c.patchSets.at(-1)!;
        if (patchSet !== undefined && Number(patchSet) !== current.number)
          throw new GerritRefusal(`patch set ${patchSet} is not current for change ${c.number}`);
        if (c.status !== 'NEW') throw new GerritRefusal(`change ${c.number} is ${c.status}, not NEW`);
        const repo = this.repo(c.project);
        const tip =
          (await repo.resolve(`refs/staging/${c.branch}`)) ?? (await repo.resolve(`refs/heads/${c.branch}`));
        const picked = tip ? await repo.cherryPick(tip, current.revision) : null;
        if (!picked) {
          this.note(c, 'Staging failed: merge conflict with the staging branch', by);
          this.emitChange('change-unstaged', c, by);
          continue;
        }
        await repo.updateRef(`refs/staging/${c.branch}`, picked);
        this.order(c.project, c.branch).push(c.number);
        this.setStatus(c, 'STAGED');
        c.stagedSha = picked;
        this.note(c, 'Staged for CI', by);
        this.emitChange('change-staged', c, by, { newRev: picked, oldRev: tip });
        this.emitRefUpdated(c.project, `refs/staging/${c.branch}`, tip, picked, by);
        staged.push(c);
      }
      return staged;
    });
  }

  /** Move a change between NEW, STAGED, DEFERRED and ABANDONED (the REST plugin actions). */
  action(id: string, action: string, by: FakeAccount): Promise<FakeChange> {
    if (action === 'stage') return this.stage([id], by).then(() => this.find(id));
    return this.serialized(async () => {
      const c = this.find(id);
      const from = c.status;
      const allowed: Record<string, [ChangeStatus[], ChangeStatus, string]> = {
        unstage: [['STAGED'], 'NEW', 'change-unstaged'],
        defer: [['NEW'], 'DEFERRED', 'change-deferred'],
        reopen: [['DEFERRED'], 'NEW', 'change-restored'],
        abandon: [['NEW', 'DEFERRED'], 'ABANDONED', 'change-abandoned'],
      };
      const rule = allowed[action];
      if (!rule) throw new GerritRefusal(`unknown action: ${action}`, 404);
      if (!rule[0].includes(from)) throw new GerritRefusal(`change is ${from}: cannot ${action}`);
      this.setStatus(c, rule[1]);
      this.note(c, `${action} by ${by.username}`, by);
      this.emitChange(rule[2], c, by);
      if (action === 'unstage') await this.rebuildLocked(c.project, c.branch, by);
      return c;
    });
  }

  /** `staging-ls`: the changes of `ref` that `destination` does not have. */
  stagingLs(project: string, ref: string, destination: string) {
    return this.serialized(async () => {
      const repo = this.repo(project);
      const from = await this.resolveBranchRef(repo, ref);
      const to = await this.resolveBranchRef(repo, destination);
      const shas = await repo.commitsBetween(from, to);
      return shas.map((sha) => {
        const c = [...this.changes.values()].find(
          (x) => x.project === project && (x.stagedSha === sha || this.builtShas.get(sha) === x.number),
        );
        if (!c) throw new GerritRefusal(`commit ${sha} of ${ref} belongs to no change`);
        return { sha, change: c.number, patchSet: c.patchSets.at(-1)!.number, subject: c.subject };
      });
    });
  }

  /** Commits frozen in builds -> change number (a build outlives the staging ref's commits). */
  private readonly builtShas = new Map<string, number>();
  /** Build id -> its project, branch, sha and changes. */
  readonly builds = new Map<string, { project: string; branch: string; sha: string; changes: number[] }>();

  private async resolveBranchRef(repo: FakeRepo, ref: string): Promise<string> {
    const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/staging/${ref}`];
    for (const candidate of candidates) {
      const sha = await repo.resolve(candidate);
      if (sha) return sha;
    }
    throw new GerritRefusal(`ref not found: ${ref}`);
  }

  /** `staging-new-build`: freeze the staging ref as refs/builds/<id>; its changes become INTEGRATING. */
  newBuild(project: string, branch: string, buildId: string, by: FakeAccount): Promise<string> {
    return this.serialized(async () => {
      const repo = this.repo(project);
      if (this.builds.has(`${project}\n${buildId}`) || (await repo.resolve(`refs/builds/${buildId}`)))
        throw new GerritRefusal(`Target build already exists: ${buildId}`);
      const staging = await repo.resolve(`refs/staging/${branch}`);
      const head = await repo.resolve(`refs/heads/${branch}`);
      if (!head) throw new GerritRefusal(`branch not found: ${branch}`);
      const shas = staging ? await repo.commitsBetween(staging, head) : [];
      const members = [...this.changes.values()].filter(
        (c) => c.project === project && c.status === 'STAGED' && c.stagedSha && shas.includes(c.stagedSha),
      );
      if (members.length === 0)
        throw new GerritRefusal('No changes in staging branch. Not creating a build reference');
      await repo.updateRef(`refs/builds/${buildId}`, staging!);
      this.builds.set(`${project}\n${buildId}`, {
        project,
        branch,
        sha: staging!,
        changes: members.map((c) => c.number),
      });
      for (const c of members) {
        this.builtShas.set(c.stagedSha!, c.number);
        this.setStatus(c, 'INTEGRATING');
        c.buildId = buildId;
        this.note(c, `Added to build ${buildId} for integration`, by);
      }
      this.emitRefUpdated(project, `refs/builds/${buildId}`, null, staging!, by);
      return staging!;
    });
  }

  /** `staging-approve`: pass merges the build's changes and fast-forwards the branch; fail sends them back to NEW. */
  approve(
    project: string,
    branch: string,
    buildId: string,
    result: 'pass' | 'fail',
    message: string,
    by: FakeAccount,
  ): Promise<void> {
    return this.serialized(async () => {
      const build = this.builds.get(`${project}\n${buildId}`);
      if (!build || build.branch !== branch) throw new GerritRefusal(`build not found: ${buildId}`);
      const members = build.changes
        .map((n) => this.changes.get(n)!)
        .filter((c) => c.status === 'INTEGRATING' && c.buildId === buildId);
      if (members.length === 0) throw new GerritRefusal(`build ${buildId} has no integrating changes`);
      const repo = this.repo(project);
      if (result === 'pass') {
        const head = (await repo.resolve(`refs/heads/${branch}`))!;
        if (!(await repo.isAncestor(head, build.sha)))
          throw new GerritRefusal(`branch ${branch} cannot be fast-forwarded to build ${buildId}`);
        await repo.updateRef(`refs/heads/${branch}`, build.sha);
        for (const c of members) {
          this.setStatus(c, 'MERGED');
          if (message) this.note(c, message, by);
          this.emitChange('change-integration-pass', c, by, { buildId, message });
          this.emit('change-merged', {
            ...this.changeEventBase(c),
            submitter: this.account(by),
            newRev: build.sha,
          });
        }
        this.emitRefUpdated(project, `refs/heads/${branch}`, head, build.sha, by);
      } else {
        for (const c of members) {
          this.setStatus(c, 'NEW');
          if (message) this.note(c, message, by);
          this.emitChange('change-integration-fail', c, by, { buildId, message });
        }
        await this.rebuildLocked(project, branch, by);
      }
    });
  }

  /** `staging-rebuild`. */
  rebuild(project: string, branch: string, by: FakeAccount): Promise<void> {
    return this.serialized(() => this.rebuildLocked(project, branch, by));
  }

  /** refs/staging/<branch> again: the branch plus the STAGED and INTEGRATING changes in stage order. */
  private async rebuildLocked(project: string, branch: string, by: FakeAccount): Promise<void> {
    const repo = this.repo(project);
    const old = await repo.resolve(`refs/staging/${branch}`);
    let tip = (await repo.resolve(`refs/heads/${branch}`))!;
    for (const number of [...this.order(project, branch)]) {
      const c = this.changes.get(number)!;
      if (c.status === 'INTEGRATING' && c.stagedSha && (await repo.isAncestor(c.stagedSha, tip))) continue;
      const picked = await repo.cherryPick(tip, c.patchSets.at(-1)!.revision);
      if (!picked) {
        this.setStatus(c, 'NEW');
        this.note(c, 'Staging failed: merge conflict while rebuilding the staging branch', by);
        this.emitChange('change-unstaged', c, by);
        continue;
      }
      c.stagedSha = picked;
      tip = picked;
    }
    await repo.updateRef(`refs/staging/${branch}`, tip);
    if (old !== tip) this.emitRefUpdated(project, `refs/staging/${branch}`, old, tip, by);
  }

  /** `gerrit query`: terms `status:`, `project:`, `branch:`, `change:` ANDed; `limit:` too. */
  query(terms: readonly string[]): FakeChange[] {
    return queryChanges(this.changes.values(), terms);
  }
}
