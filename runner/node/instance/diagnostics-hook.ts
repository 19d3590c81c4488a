/**
 * What `coin diagnose` asks a running instance through the inspector: a function on a global
 * (`globalThis.__coinDiagnostics`) that reports the open SQLite transaction, the connected agents,
 * the running tasks and the event-loop delay. Registered once at start; it costs one
 * event-loop-delay histogram. It also makes the inspector that SIGUSR1 opens take a free
 * loopback port rather than 9229, which another process may hold.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { InstanceState, LoopDelay } from '../../core/diagnosis';
import type { SqliteStore } from '../store/sqlite-store';
import type { AgentHub } from './agent-hub';

/** The parts of an instance the hook reads. */
export interface DiagnosticsSources {
  workingDir: string;
  store: Pick<SqliteStore, 'inTransaction' | 'listTasks'>;
  hub: Pick<AgentHub, 'connectedIds'>;
}

/** The global's name (the collector's expression reads it). */
export const diagnosticsGlobal = '__coinDiagnostics';

type Global = Record<string, unknown> & { [diagnosticsGlobal]?: () => InstanceState };

const nanosToMs = (n: number) => (Number.isFinite(n) ? n / 1e6 : 0);

function loopDelayOf(histogram: IntervalHistogram, since: { at: number }): LoopDelay {
  const now = Date.now();
  const delay = {
    sinceMs: now - since.at,
    meanMs: nanosToMs(histogram.mean),
    p50Ms: nanosToMs(histogram.percentile(50)),
    p99Ms: nanosToMs(histogram.percentile(99)),
    maxMs: nanosToMs(histogram.max),
  };
  histogram.reset();
  since.at = now;
  return delay;
}

function runningTasks(store: DiagnosticsSources['store']): InstanceState['runningTasks'] {
  try {
    return store
      .listTasks({ state: 'Running', max: 50 })
      .tasks.map((t) => ({ id: t.id, project: t.project, branch: t.branch }));
  } catch {
    return []; // a statement of the connection is mid-iteration: the rest of the answer still counts
  }
}

// The hook registered last; a process serves one instance, but tests open many in turn.
let dropCurrent: (() => void) | undefined;

/**
 * Sets the global for this instance, replacing the one of an instance opened before in this
 * process. The histogram never keeps the process alive.
 */
export function registerDiagnosticsHook(sources: DiagnosticsSources): void {
  dropCurrent?.();
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  const since = { at: Date.now() };
  // The histogram only counts turns that happened; this says how long the current one has lasted.
  const lastTurn = { at: Date.now() };
  const ticker = setInterval(() => (lastTurn.at = Date.now()), 100).unref();
  const startedAt = new Date().toISOString();
  const hook = (): InstanceState => ({
    workingDir: sources.workingDir,
    startedAt,
    sqliteInTransaction: sources.store.inTransaction,
    connectedAgents: sources.hub.connectedIds(),
    runningTasks: runningTasks(sources.store),
    loopDelay: loopDelayOf(histogram, since),
    lastTurnMsAgo: Date.now() - lastTurn.at,
  });
  const global = globalThis as Global;
  global[diagnosticsGlobal] = hook;
  // Only when nobody chose an inspector port on the command line (--inspect-port, --inspect=...).
  if (!process.execArgv.some((arg) => arg.startsWith('--inspect'))) process.debugPort = 0;
  dropCurrent = () => {
    clearInterval(ticker);
    histogram.disable();
    if (global[diagnosticsGlobal] === hook) delete global[diagnosticsGlobal];
  };
}
