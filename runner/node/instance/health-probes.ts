/**
 * What the instance's health checks need, read on the instance itself: the disk of its working
 * directory, its agent pool and task list from its store, the hosts of its hypervisor (OpenNebula's
 * host pool, read only), and a GET to each extra web server. Each probe hands plain values to the
 * judgements in runner/core/health-checks.ts.
 */
import type { Hypervisor } from '../../core/hypervisor';
import type { FinishedTask, OpenNebulaFacts, ResultsFacts, WebServerAnswer } from '../../core/health-checks';
import { isFinalTaskState } from '../../core/model';
import type { TaskRecord } from '../../core/records';
import type { SqliteStore } from '../store/sqlite-store';

/** How long one extra web server may take to answer. */
export const webServerTimeoutMs = 10_000;

/** Tasks the results check looks at (the newest, of which the finished ones count). */
const tasksLooked = 200;

/** The latest finished tasks, the system failures among them and what waits, from the store. */
export function resultsFacts(store: SqliteStore, now: number, recent: number): ResultsFacts {
  const finished = store
    .listTasks({ max: tasksLooked })
    .tasks.filter((t): t is TaskRecord & { finished: string } => isFinalTaskState(t.state) && !!t.finished)
    .sort((a, b) => Date.parse(b.finished) - Date.parse(a.finished))
    .slice(0, recent)
    .map(({ id, project, branch, state, finished: at }): FinishedTask => ({
      id,
      project,
      branch,
      state,
      finished: at,
    }));
  const systemFailures = finished
    .filter((t) => t.state === 'Failed')
    .filter((t) => store.workItemsOf(t.id).some((w) => w.failureKind === 'system'))
    .map((t) => t.id);
  const pendingStates = ['Initializing', 'Running'] as const;
  const pages = pendingStates.map((state) => store.listTasks({ state, max: 1 }));
  const oldest = pendingStates
    .map((state, i) =>
      pages[i]!.total === 0 ? null : store.listTasks({ state, start: pages[i]!.total - 1, max: 1 }).tasks[0],
    )
    .map((t) => t?.created ?? null)
    .filter((t): t is string => t !== null)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    finished,
    systemFailures,
    pending: pages[0]!.total + pages[1]!.total,
    oldestPending: oldest[0] ?? null,
    now,
  };
}

/** The hypervisor's hosts when it is OpenNebula; `endpoint` names it in the sentence. */
export async function openNebulaFacts(hypervisor: Hypervisor, endpoint: string): Promise<OpenNebulaFacts> {
  if (hypervisor.name !== 'opennebula') return { kind: 'not-configured', hypervisor: hypervisor.name };
  try {
    const hosts = await hypervisor.hosts();
    return { kind: 'hosts', endpoint, hosts: hosts.map(({ name, state }) => ({ name, state })) };
  } catch (error) {
    return { kind: 'unreadable', endpoint, error: (error as Error).message };
  }
}

/** A GET to one URL: the status and how long it took, or why nothing answered. */
export async function askWebServer(url: string, timeoutMs = webServerTimeoutMs): Promise<WebServerAnswer> {
  const start = performance.now();
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { url, kind: 'answered', status: response.status, ms: Math.round(performance.now() - start) };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { url, kind: 'down', error: why };
  }
}
