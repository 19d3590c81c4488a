/**
 * The Gerrit fake's staging workflow on the model (fake-model.ts), as protocol-facts.md gives it:
 * NEW -stage-> STAGED (cherry-picked onto refs/staging/<branch>; a conflict refuses with 409 and
 * the change stays NEW); on a staging-queue branch NEW -stage-> PRESTAGED (staging ref untouched)
 * and PRESTAGED -stage-> STAGED only for `stagingPromote`; STAGED -unstage-> NEW (PRESTAGED on a
 * queue branch), PRESTAGED -unstage-> NEW; STAGED -staging-new-build-> INTEGRATING;
 * INTEGRATING -approve pass-> MERGED (or, with `passWithoutMerge`, back to NEW with exit 0),
 * -approve fail-> NEW (PRESTAGED on a queue branch; the staging ref is rebuilt); a conflict while
 * rebuilding sends STAGED back to NEW. NEW|ABANDONED -defer-> DEFERRED -reopen-> NEW;
 * DEFERRED -abandon-> ABANDONED. `precheck` adds a message and emits the `precheck` event.
 */
import { accountJson, GerritRefusal, hasCapability, type ChangeStatus } from './fake-changes';
import type { FakeAccount, FakeChange } from './fake-changes';
import type { FakeRepo } from './fake-repos';
import { FakeModel } from './fake-model';

export * from './fake-changes';

/** The body of a precheck request (both spellings of onlybuild are accepted). */
export interface PrecheckBody {
  type?: string;
  onlybuild?: boolean;
  onlyBuild?: boolean;
  cherrypick?: boolean;
  platforms?: string;
}

/** One `ci-status-update` entry. */
export interface CiStatusEntry {
  name: string;
  running: number;
  queue: number;
  load: number;
}

const rebuildConflict = 'Merge conflict in staging branch. Status changed back to new. Please stage again.';

export class FakeGerritState extends FakeModel {
  /** Stage order per project/branch (change numbers). */
  private readonly stageOrder = new Map<string, number[]>();
  /** Commits frozen in builds -> change number (a build outlives the staging ref's commits). */
  private readonly builtShas = new Map<string, number>();
  /** `<project>\n<build id>` -> the build's branch, sha and changes. */
  readonly builds = new Map<string, { project: string; branch: string; sha: string; changes: number[] }>();
  /** When set, the next `staging-approve pass` exits 0 but its changes go back to NEW. */
  passWithoutMerge = false;
  /** The last `ci-status-update` per account. */
  readonly ciStatus = new Map<string, CiStatusEntry[]>();

  private order(project: string, branch: string): number[] {
    const key = `${project}\n${branch}`;
    let list = this.stageOrder.get(key);
    if (!list) this.stageOrder.set(key, (list = []));
    return list;
  }

  protected override setStatus(c: FakeChange, status: ChangeStatus): void {
    super.setStatus(c, status);
    if (status === 'STAGED' || status === 'INTEGRATING') return;
    const list = this.order(c.project, c.branch);
    const at = list.indexOf(c.number);
    if (at >= 0) list.splice(at, 1);
  }

  /** Where a change goes when it leaves the staging ref: PRESTAGED on a queue branch, else NEW. */
  private backTo(c: FakeChange): ChangeStatus {
    return this.prestageMode(c) ? 'PRESTAGED' : 'NEW';
  }

  // ---- stage and unstage ----

  /** `stage` over SSH: `change,patchset` or change numbers, each staged in turn. */
  stage(ids: readonly string[], by: FakeAccount): Promise<FakeChange[]> {
    return this.serialized(async () => {
      const staged: FakeChange[] = [];
      for (const id of ids) {
        const [number, patchSet] = id.split(',');
        const c = this.find(number!);
        await this.stageLocked(c, patchSet ?? 'current', by);
        staged.push(c);
      }
      return staged;
    });
  }

  /** REST `revisions/<rev>/gerrit-plugin-qt-workflow~stage`. */
  stageRevision(id: string, rev: string, by: FakeAccount): Promise<void> {
    return this.serialized(() => this.stageLocked(this.find(id), rev, by));
  }

  private async stageLocked(c: FakeChange, rev: string, by: FakeAccount): Promise<void> {
    if (this.revision(c, rev) !== c.patchSets.at(-1))
      throw new GerritRefusal('revision is not current revision', 409);
    if (c.status === 'NEW' && this.prestageMode(c)) {
      this.setStatus(c, 'PRESTAGED');
      this.note(c, 'Assigned to staging queue, waiting for promotion to CI', by);
      return;
    }
    if (c.status === 'PRESTAGED' && !hasCapability(by, 'stagingPromote'))
      throw new GerritRefusal('not permitted: stagingPromote is needed to promote a change', 403);
    if (c.status !== 'NEW' && c.status !== 'PRESTAGED')
      throw new GerritRefusal(`change is ${c.status.toLowerCase()}`, 409);
    await this.pickOntoStaging(c, by);
  }

  private async pickOntoStaging(c: FakeChange, by: FakeAccount): Promise<void> {
    const repo = this.repo(c.project);
    const tip =
      (await repo.resolve(`refs/staging/${c.branch}`)) ?? (await repo.resolve(`refs/heads/${c.branch}`));
    const picked = tip ? await repo.cherryPick(tip, c.patchSets.at(-1)!.revision) : null;
    if (!picked) throw new GerritRefusal('Merge conflict in staging branch', 409);
    await repo.updateRef(`refs/staging/${c.branch}`, picked);
    this.order(c.project, c.branch).push(c.number);
    const promoted = c.status === 'PRESTAGED';
    this.setStatus(c, 'STAGED');
    c.stagedSha = picked;
    this.note(c, promoted ? 'Staged for CI, waiting for next integration' : 'Staged for CI', by);
    this.emitPlugin('change-staged', c);
    this.emitRefUpdated(c.project, `refs/staging/${c.branch}`, tip, picked, by);
  }

  /** REST `revisions/<rev>/gerrit-plugin-qt-workflow~unstage`. */
  unstageRevision(id: string, rev: string, by: FakeAccount): Promise<void> {
    return this.serialized(async () => {
      const c = this.find(id);
      this.revision(c, rev);
      if (c.status !== 'STAGED' && c.status !== 'PRESTAGED')
        throw new GerritRefusal(`change is ${c.status.toLowerCase()}`, 409);
      const wasStaged = c.status === 'STAGED';
      this.setStatus(c, wasStaged ? this.backTo(c) : 'NEW');
      this.note(c, 'Unstaged', by);
      this.emitPlugin('change-unstaged', c);
      if (wasStaged) await this.rebuildLocked(c.project, c.branch, by);
    });
  }

  /** The change-level plugin actions: defer, reopen, abandon (and, for tests, unstage/stage). */
  action(id: string, action: string, by: FakeAccount): Promise<FakeChange> {
    if (action === 'stage') return this.stageRevision(id, 'current', by).then(() => this.find(id));
    if (action === 'unstage') return this.unstageRevision(id, 'current', by).then(() => this.find(id));
    return this.serialized(async () => {
      const c = this.find(id);
      const allowed: Record<string, [ChangeStatus[], ChangeStatus, string]> = {
        defer: [['NEW', 'ABANDONED'], 'DEFERRED', 'Deferred'],
        reopen: [['DEFERRED'], 'NEW', 'Reopened'],
        abandon: [['DEFERRED'], 'ABANDONED', 'Abandoned'],
      };
      const rule = allowed[action];
      if (!rule) throw new GerritRefusal('Not found', 404);
      if (!rule[0].includes(c.status)) throw new GerritRefusal(`change is ${c.status.toLowerCase()}`, 409);
      this.setStatus(c, rule[1]);
      this.note(c, rule[2], by);
      if (action === 'abandon')
        this.emitCore('change-abandoned', c, { abandoner: accountJson(by), reason: '' });
      return c;
    });
  }

  /** REST `revisions/<rev>/gerrit-plugin-qt-workflow~precheck`: a message and the `precheck` event. */
  precheck(id: string, rev: string, body: PrecheckBody, by: FakeAccount): Promise<void> {
    return this.serialized(async () => {
      const c = this.find(id);
      const ps = this.revision(c, rev);
      if (c.status !== 'NEW') throw new GerritRefusal(`change is ${c.status.toLowerCase()}`, 409);
      const onlybuild = body.onlybuild ?? body.onlyBuild ?? false;
      const params = { type: body.type ?? 'default', onlybuild, cherrypick: body.cherrypick ?? false };
      this.note(
        c,
        `Precheck requested with params ${JSON.stringify({ ...params, platforms: body.platforms ?? '' })}`,
        by,
      );
      this.emit('precheck', {
        commitID: ps.revision,
        precheckType: params.type,
        platforms: body.platforms ?? '',
        onlybuild,
        cherrypick: params.cherrypick,
        patchSet: ps.number,
        ...this.pluginEventBase(c),
      });
    });
  }

  // ---- builds ----

  /** `staging-ls`: the changes of `ref` that `destination` does not have. */
  stagingLs(project: string, ref: string, destination: string) {
    return this.serialized(async () => {
      const repo = this.repo(project);
      const from = await this.resolveBranchRef(repo, ref, 'Staging ref not found!');
      const to = await this.resolveBranchRef(repo, destination, 'branch not found');
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

  private async resolveBranchRef(repo: FakeRepo, ref: string, missing: string): Promise<string> {
    const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/staging/${ref}`];
    for (const candidate of candidates) {
      const sha = await repo.resolve(candidate);
      if (sha) return sha;
    }
    throw new GerritRefusal(missing);
  }

  /** `staging-new-build`: refs/builds/<id> from the staging ref; its changes become INTEGRATING. */
  newBuild(project: string, branch: string, buildId: string, by: FakeAccount): Promise<string> {
    return this.serialized(async () => {
      const repo = this.repo(project);
      const short = branch.replace(/^refs\/(heads|staging)\//, '');
      if (this.builds.has(`${project}\n${buildId}`) || (await repo.resolve(`refs/builds/${buildId}`)))
        throw new GerritRefusal('Target build already exists!');
      const staging = await repo.resolve(`refs/staging/${short}`);
      if (!staging) throw new GerritRefusal('Staging ref not found!');
      const head = (await repo.resolve(`refs/heads/${short}`))!;
      const shas = await repo.commitsBetween(staging, head);
      const members = [...this.changes.values()].filter(
        (c) => c.project === project && c.status === 'STAGED' && c.stagedSha && shas.includes(c.stagedSha),
      );
      await repo.updateRef(`refs/builds/${buildId}`, staging);
      if (members.length === 0)
        throw new GerritRefusal('No changes in staging branch. Not creating a build reference');
      this.builds.set(`${project}\n${buildId}`, {
        project,
        branch: short,
        sha: staging,
        changes: members.map((c) => c.number),
      });
      for (const c of members) {
        this.builtShas.set(c.stagedSha!, c.number);
        this.setStatus(c, 'INTEGRATING');
        c.buildId = buildId;
        this.note(c, `Added to build ${buildId} for refs/heads/${short}`, by);
      }
      this.emitRefUpdated(project, `refs/builds/${buildId}`, null, staging, by);
      return staging;
    });
  }

  /** `staging-approve`: the branch's new sha on a merging pass, '' otherwise. */
  approve(
    project: string,
    branch: string,
    buildId: string,
    result: 'pass' | 'fail',
    message: string,
    by: FakeAccount,
  ): Promise<string> {
    return this.serialized(async () => {
      const build = this.builds.get(`${project}\n${buildId}`);
      const short = branch.replace(/^refs\/heads\//, '');
      if (!build || build.branch !== short) throw new GerritRefusal('build not found');
      const members = build.changes
        .map((n) => this.changes.get(n)!)
        .filter((c) => c.status === 'INTEGRATING' && c.buildId === buildId);
      if (members.length === 0) throw new GerritRefusal('No open changes in the build branch');
      if (result === 'fail' || this.passWithoutMerge) {
        const merged = result === 'pass';
        this.passWithoutMerge = false;
        for (const c of members)
          this.sendBack(
            c,
            merged ? `${message}\n\nMerge conflict! build branch ${buildId} into ${short} failed` : message,
            by,
            !merged,
          );
        await this.rebuildLocked(project, short, by);
        return '';
      }
      return this.merge(build, members, message, by);
    });
  }

  private sendBack(c: FakeChange, message: string, by: FakeAccount, failEvent: boolean): void {
    this.setStatus(c, this.backTo(c));
    if (message) this.note(c, message, by);
    if (failEvent) this.emitPlugin('change-integration-fail', c);
  }

  private async merge(
    build: { project: string; branch: string; sha: string },
    members: FakeChange[],
    message: string,
    by: FakeAccount,
  ): Promise<string> {
    const repo = this.repo(build.project);
    const head = (await repo.resolve(`refs/heads/${build.branch}`))!;
    if (!(await repo.isAncestor(head, build.sha)))
      throw new GerritRefusal(`Merge conflict! build branch into ${build.branch} failed`);
    await repo.updateRef(`refs/heads/${build.branch}`, build.sha);
    for (const c of members) {
      const built = c.stagedSha ?? build.sha;
      const number = c.patchSets.length + 1;
      const ref = `refs/changes/${String(c.number % 100).padStart(2, '0')}/${c.number}/${number}`;
      await repo.updateRef(ref, built);
      c.patchSets.push({ number, revision: built, ref, createdOn: c.lastUpdated });
      this.setStatus(c, 'MERGED');
      if (message) this.note(c, message, by);
      this.emitPlugin('change-integration-pass', c);
      this.emitCore('change-merged', c, { submitter: accountJson(by), newRev: build.sha });
    }
    this.emitRefUpdated(build.project, `refs/heads/${build.branch}`, head, build.sha, by);
    await this.rebuildLocked(build.project, build.branch, by);
    return build.sha;
  }

  /** `staging-rebuild`. */
  rebuild(project: string, branch: string, by: FakeAccount): Promise<void> {
    return this.serialized(() => this.rebuildLocked(project, branch.replace(/^refs\/heads\//, ''), by));
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
        this.setStatus(c, this.backTo(c));
        this.note(c, rebuildConflict, by);
        this.emitPlugin('change-unstaged', c);
        continue;
      }
      c.stagedSha = picked;
      tip = picked;
    }
    await repo.updateRef(`refs/staging/${branch}`, tip);
    if (old !== tip) this.emitRefUpdated(project, `refs/staging/${branch}`, old, tip, by);
  }

  /** `ci-status-update -i '<json>'`: needs `ciStatusUpdate`. */
  ciStatusUpdate(json: string, by: FakeAccount): void {
    if (!hasCapability(by, 'ciStatusUpdate')) throw new GerritRefusal('not permitted', 403);
    let entries: unknown;
    try {
      entries = JSON.parse(json);
    } catch {
      throw new GerritRefusal('invalid JSON', 400);
    }
    const valid = (e: Partial<CiStatusEntry>) =>
      typeof e.name === 'string' && [e.running, e.queue, e.load].every((n) => typeof n === 'number');
    if (!Array.isArray(entries) || !entries.every((e) => valid(e as Partial<CiStatusEntry>)))
      throw new GerritRefusal('expected [{name, running, queue, load}]', 400);
    this.ciStatus.set(by.username, entries as CiStatusEntry[]);
  }

  /** `gerrit review`: a change message from `by`. */
  review(c: FakeChange, message: string, by: FakeAccount): void {
    if (message) this.note(c, message, by);
    this.emitCore('comment-added', c, { author: accountJson(by), approvals: [], comment: message });
  }
}
