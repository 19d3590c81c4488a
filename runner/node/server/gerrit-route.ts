/**
 * `GET <base>/api/gerrit`: Gerrit's side of an instance that watches it (`coin run --gerrit`):
 * the connection, the mode, the changes Coin waits for, builds and reported, Gerrit's own view
 * (`gerrit query status:staged`, `status:integrating` and the staging queue's `status:prestaged`),
 * whether it publishes its load (`ci-status-update`) and whether the two converge
 * (runner/core/gerrit/gerrit-overview.ts). `{enabled: false}` when the instance does not watch
 * Gerrit.
 *
 * Gerrit's view is cached: an answer is reused for maxAgeMs unless something happened in Gerrit
 * or Coin's integrations of it (a `gerrit.*` event), and then it is asked again at most once per
 * minIntervalMs, however many pages ask; requests share one query. A query that takes longer than
 * answerWithinMs leaves the last view in the answer while it goes on.
 */
import type { FastifyInstance } from 'fastify';
import {
  compareWithGerrit,
  type GerritApiAnswer,
  type GerritBuilding,
  type GerritChangeRef,
  type GerritFinished,
} from '../../core/gerrit/gerrit-overview';
import type { GerritChange } from '../../core/gerrit/gerrit-protocol';
import { isFinalTaskState } from '../../core/model';
import type { TaskRecord } from '../../core/records';
import type { GerritIntegrations } from '../gerrit/gerrit-integrations';
import type { SqliteStore } from '../store/sqlite-store';

export interface GerritRouteOptions {
  basePath: string;
  store: SqliteStore;
  /** undefined when the instance does not watch Gerrit. */
  gerrit: GerritIntegrations | undefined;
  maxAgeMs?: number;
  minIntervalMs?: number;
  answerWithinMs?: number;
}

/** Finished integrations listed. */
const finishedShown = 10;

interface GerritView {
  staged: GerritChange[];
  integrating: GerritChange[];
  prestaged: GerritChange[];
  /** When the queries were sent (ms). */
  at: number;
}

/** Gerrit's view, asked again only when it is old or something happened (see the file comment). */
class GerritViewCache {
  private view: GerritView | null = null;
  private error: string | null = null;
  /** When Gerrit was last asked, whatever it answered (ms). */
  private askedAt = 0;
  private dirty = true;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly gerrit: GerritIntegrations,
    private readonly maxAgeMs: number,
    private readonly minIntervalMs: number,
    private readonly answerWithinMs: number,
  ) {}

  invalidate(): void {
    this.dirty = true;
  }

  async current(): Promise<{ view: GerritView | null; error: string | null }> {
    const age = Date.now() - this.askedAt;
    if (this.dirty || age >= this.maxAgeMs) {
      const refresh = (this.refreshing ??= this.refresh(
        this.dirty ? Math.max(0, this.minIntervalMs - age) : 0,
      ));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>(
        (resolve) => (timer = setTimeout(() => resolve('late'), this.answerWithinMs)),
      );
      const outcome = await Promise.race([refresh.then(() => 'done' as const), late]);
      clearTimeout(timer);
      if (outcome === 'late')
        return {
          view: this.view,
          error: `Gerrit did not answer within ${this.answerWithinMs / 1000} s${this.error ? `; before: ${this.error}` : ''}`,
        };
    }
    return { view: this.view, error: this.error };
  }

  private async refresh(delayMs: number): Promise<void> {
    try {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      this.dirty = false;
      const at = Date.now();
      this.askedAt = at;
      try {
        const [staged, integrating, prestaged] = await Promise.all([
          this.gerrit.query(['status:staged']),
          this.gerrit.query(['status:integrating']),
          this.gerrit.query(['status:prestaged']),
        ]);
        this.view = { staged, integrating, prestaged, at };
        this.error = null;
      } catch (error) {
        this.error = error instanceof Error ? error.message : String(error);
        // A failed query is not an answer to keep for maxAgeMs: the next request asks again
        // (after minIntervalMs, so a Gerrit that is down is not hammered).
        this.dirty = true;
      }
    } finally {
      this.refreshing = undefined;
    }
  }
}

function changeRefs(task: TaskRecord): GerritChangeRef[] {
  return task.testedChanges.flatMap((c) =>
    typeof c.change === 'number'
      ? [
          {
            change: c.change,
            patchSet: typeof c.patchSet === 'number' ? c.patchSet : null,
            subject: typeof c.subject === 'string' ? c.subject : '',
            url: typeof c.url === 'string' ? c.url : null,
          },
        ]
      : [],
  );
}

interface GerritOrigin {
  kind?: string;
  project?: string;
  branch?: string;
  buildId?: string | null;
}

const originOf = (task: TaskRecord) => (task.source as { origin?: GerritOrigin }).origin;

/** The latest finished integrations of changes from Gerrit, newest first. */
function finishedIntegrations(store: SqliteStore, gerrit: GerritIntegrations): GerritFinished[] {
  return store
    .listTasks({ type: 'Integration', max: 200 })
    .tasks.filter((t) => originOf(t)?.kind === 'gerrit' && isFinalTaskState(t.state))
    .slice(0, finishedShown)
    .map((task) => {
      const origin = originOf(task)!;
      const report = gerrit.reportOf(task.id);
      return {
        taskId: task.id,
        project: task.project,
        branch: task.branch,
        buildId: origin.buildId ?? null,
        state: task.state,
        result: task.state === 'Passed' || task.state === 'Insignificant' ? 'pass' : 'fail',
        finished: task.finished,
        report: report?.report ?? 'unknown',
        reportError: report?.error ?? null,
        changes: changeRefs(task),
      };
    });
}

/** The overview of a watching instance. */
async function overview(
  store: SqliteStore,
  gerrit: GerritIntegrations,
  cache: GerritViewCache,
  maxAgeMs: number,
): Promise<GerritApiAnswer> {
  const { view, error } = await cache.current();
  // Coin's side is read after Gerrit answered, so that it is not older than Gerrit's.
  const facts = gerrit.facts();
  const building: GerritBuilding[] = facts.inFlight.map((f) => {
    const task = store.getTask(f.taskId);
    return { ...f, state: task?.state ?? 'unknown', changes: task ? changeRefs(task) : [] };
  });
  const compared = compareWithGerrit(
    view,
    {
      write: facts.write,
      building,
      preparing: facts.preparing,
      waiting: facts.waiting,
      looking: facts.looking,
      reportedSince: view ? gerrit.reportedSince(view.at) : [],
      integrated: facts.integrated,
    },
    error,
  );
  return {
    enabled: true,
    mode: facts.write ? 'write' : 'read-only',
    server: facts.server,
    projects: facts.projects,
    connection: facts.connection,
    ciStatus: facts.ciStatus,
    coin: { waiting: facts.waiting, building, finished: finishedIntegrations(store, gerrit) },
    gerrit: {
      checkedAt: view ? new Date(view.at).toISOString() : null,
      error,
      maxAgeMs,
      staged: compared.staged,
      integrating: compared.integrating,
      prestaged: compared.prestaged,
    },
    convergence: compared.convergence,
  };
}

/** Register the route on the instance's server (before it listens). */
export function registerGerritRoute(app: FastifyInstance, options: GerritRouteOptions): void {
  const { gerrit, store } = options;
  const url = `${options.basePath}/api/gerrit`;
  if (!gerrit) {
    app.get(url, async (): Promise<GerritApiAnswer> => ({ enabled: false }));
    return;
  }
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  const cache = new GerritViewCache(
    gerrit,
    maxAgeMs,
    options.minIntervalMs ?? 2000,
    options.answerWithinMs ?? 8000,
  );
  const unsubscribe = store.subscribe((event) => {
    if (event.kind.startsWith('gerrit.')) cache.invalidate();
  });
  app.addHook('onClose', async () => unsubscribe());
  app.get(url, async () => overview(store, gerrit, cache, maxAgeMs));
}
