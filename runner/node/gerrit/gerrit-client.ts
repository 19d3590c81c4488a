/**
 * The staging workflow's commands over SSH (gerrit-plugin-qt-workflow and `gerrit query`), on one
 * connection opened when first needed and opened again when it dropped.
 */
import {
  parseQueryOutput,
  type GerritChange,
  parseStagingLs,
  type QueryResult,
  type StagedCommit,
} from '../../core/gerrit/gerrit-protocol';
import { GerritCommandError, GerritSsh, type GerritSshOptions } from './gerrit-ssh';

const plugin = 'gerrit-plugin-qt-workflow';

/** Pages of a query read at most (a runaway query stops there). */
const maxPages = 50;

export interface QueryOptions {
  /** Ask for the changes' messages too (who staged a change, and when). */
  comments?: boolean;
  start?: number;
}

/** One entry of `ci-status-update`: a CI's name, what runs and waits, its load (0 low, 1, 2 high). */
export interface CiStatusEntry {
  readonly name: string;
  readonly running: number;
  readonly queue: number;
  readonly load: 0 | 1 | 2;
}

export class GerritClient {
  private connection: Promise<GerritSsh> | undefined;
  /** After close(): no new connection (one would be left open). */
  private closed = false;

  constructor(readonly options: GerritSshOptions) {}

  /** A new connection of its own (the event stream keeps one open). */
  connect(): Promise<GerritSsh> {
    return GerritSsh.connect(this.options);
  }

  /**
   * The shared connection, opened when missing or closed. Callers that find it closed at the same
   * time share one new connection (two would leave one open after close()).
   */
  private async ssh(): Promise<{ ssh: GerritSsh; pending: Promise<GerritSsh> }> {
    for (;;) {
      if (this.closed) throw new Error('the Gerrit client is closed');
      const pending = this.connection;
      const current = pending ? await pending.catch(() => undefined) : undefined;
      if (pending && current && !current.closed) return { ssh: current, pending };
      if (this.connection !== pending) continue; // another caller opened a new one meanwhile
      if (this.closed) throw new Error('the Gerrit client is closed');
      const opening = this.connect();
      this.connection = opening;
      opening.catch(() => {
        if (this.connection === opening) this.connection = undefined;
      });
      return { ssh: await opening, pending: opening };
    }
  }

  /** Run a command; when the connection failed (not the command), once more on a new one. */
  async run(argv: readonly string[], stdin?: string): Promise<string> {
    const { ssh, pending } = await this.ssh();
    try {
      return await ssh.run(argv, stdin);
    } catch (error) {
      if (error instanceof GerritCommandError) throw error;
      if (this.connection === pending) this.connection = undefined;
      void ssh.end();
      return (await this.ssh()).ssh.run(argv, stdin);
    }
  }

  async ping(): Promise<string> {
    return (await this.run([plugin, 'ping'])).trim();
  }

  /** The changes of `ref` (a staging or build ref) that `destination` does not have, oldest first. */
  async stagingLs(project: string, ref: string, destination: string): Promise<StagedCommit[]> {
    return parseStagingLs(
      await this.run([
        plugin,
        'staging-ls',
        '--project',
        project,
        '--branch',
        ref,
        '--destination',
        destination,
      ]),
    );
  }

  /** Freeze refs/staging/<branch> as refs/builds/<buildId>; its changes become INTEGRATING. */
  async stagingNewBuild(project: string, stagingBranch: string, buildId: string): Promise<void> {
    await this.run([
      plugin,
      'staging-new-build',
      '--project',
      project,
      '--staging-branch',
      stagingBranch,
      '--build-id',
      buildId,
    ]);
  }

  /**
   * Report a build: pass merges its changes, fail sends them back to NEW. The message goes on
   * stdin. Resolves to what the plugin printed (the branch's new sha after a merging pass); exit 0
   * does not prove a merge (the changes can be back in NEW): read their status afterwards.
   */
  async stagingApprove(input: {
    project: string;
    branch: string;
    buildId: string;
    result: 'pass' | 'fail';
    message: string;
  }): Promise<string> {
    return this.run(
      [
        plugin,
        'staging-approve',
        '--project',
        input.project,
        '--branch',
        input.branch,
        '--build-id',
        input.buildId,
        '--result',
        input.result,
        '--message',
        '-',
      ],
      input.message,
    );
  }

  async stagingRebuild(project: string, branch: string): Promise<void> {
    await this.run([plugin, 'staging-rebuild', '--project', project, '--branch', branch]);
  }

  /** Stage changes (`{change, patchSet}` each). */
  async stage(changes: readonly { change: number; patchSet: number }[]): Promise<void> {
    await this.run([plugin, 'stage', ...changes.map((c) => `${c.change},${c.patchSet}`)]);
  }

  /** One page of `gerrit query --format=JSON --current-patch-set [--comments] [--start N] <terms>`. */
  async queryPage(terms: readonly string[], options: QueryOptions = {}): Promise<QueryResult> {
    const argv = ['gerrit', 'query', '--format=JSON', '--current-patch-set'];
    if (options.comments) argv.push('--comments');
    if (options.start) argv.push('--start', String(options.start));
    return parseQueryOutput(await this.run([...argv, terms.join(' ')]));
  }

  /** Every change of a query: page after page while Gerrit says there are more (at most `maxPages`). */
  async query(terms: readonly string[], options: QueryOptions = {}): Promise<QueryResult> {
    const changes: GerritChange[] = [];
    for (let page = 0; page < maxPages; page++) {
      const result = await this.queryPage(terms, { ...options, start: changes.length });
      changes.push(...result.changes);
      if (!result.moreChanges || result.changes.length === 0) break;
    }
    return { changes, rowCount: changes.length, moreChanges: false };
  }

  /** A change message on a patch set (`gerrit review <change>,<ps> --message -`). */
  async review(change: number, patchSet: number, message: string): Promise<void> {
    await this.run(['gerrit', 'review', `${change},${patchSet}`, '--message', message]);
  }

  /** Publish the CI's load (`ci-status-update -i '<json>'`; needs the ciStatusUpdate capability). */
  async ciStatusUpdate(entries: readonly CiStatusEntry[]): Promise<void> {
    await this.run([plugin, 'ci-status-update', '-i', JSON.stringify(entries)]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.connection ? await this.connection.catch(() => undefined) : undefined;
    this.connection = undefined;
    await current?.end();
  }
}
