/**
 * `<base>/api/agents/history` and `<base>/api/storage/history`: the series the dashboard charts.
 * Agent counts and artifact bytes come from the event log; free disk is sampled while the
 * instance runs (a disk has no events), once a minute, for the last 24 hours. The history people
 * search and judge with (task search, test history, durations, since green) is registered here
 * too, from insight-routes.ts and since-green-route.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SqliteStore } from '../store/sqlite-store';
import { artifactBytesSeries, eventsFrom, poolSeries } from './history';
import { registerInsightRoutes } from './insight-routes';
import { registerSinceGreenRoute } from './since-green-route';

/** Free and total disk at one moment. */
export interface DiskSample {
  time: string;
  freeBytes: number;
  totalBytes: number;
}

const sampleEveryMs = 60_000;
const keepSamples = 24 * 60;

interface HistoryDeps {
  store: SqliteStore;
  basePath: string;
  storage(): Promise<object>;
}

function rangeOf(request: FastifyRequest): { fromMs: number; toMs: number; points: number } {
  const query = request.query as { hours?: string; points?: string };
  const hours = Math.min(Math.max(Number(query.hours ?? 6) || 6, 0.1), 168);
  const points = Math.min(Math.max(Math.round(Number(query.points ?? 120)) || 120, 2), 1000);
  const toMs = Date.now();
  return { fromMs: toMs - hours * 3_600_000, toMs, points };
}

/** Keeps disk samples; stops with the server. */
function startDiskSampler(app: FastifyInstance, storage: HistoryDeps['storage']): DiskSample[] {
  const samples: DiskSample[] = [];
  const take = async () => {
    const report = (await storage().catch(() => undefined)) as
      { freeBytes?: number; totalBytes?: number } | undefined;
    if (report?.freeBytes === undefined || report.totalBytes === undefined) return;
    samples.push({
      time: new Date().toISOString(),
      freeBytes: report.freeBytes,
      totalBytes: report.totalBytes,
    });
    if (samples.length > keepSamples) samples.shift();
  };
  void take();
  const timer = setInterval(() => void take(), sampleEveryMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
  return samples;
}

/** Register the history routes. */
export function registerHistoryRoutes(app: FastifyInstance, deps: HistoryDeps): void {
  const { store, basePath } = deps;
  const samples = startDiskSampler(app, deps.storage);
  const read = (seq: number, limit: number) => store.eventsSince(seq, limit);
  app.get(`${basePath}/api/agents/history`, async (request) => {
    const range = rangeOf(request);
    const events = eventsFrom(read, store.lastEventSeq(), range.fromMs).filter((e) =>
      e.kind.startsWith('agent.'),
    );
    return { fromMs: range.fromMs, toMs: range.toMs, series: poolSeries(events, store.listAgents(), range) };
  });
  app.get(`${basePath}/api/storage/history`, async (request) => {
    const range = rangeOf(request);
    const events = eventsFrom(read, store.lastEventSeq(), range.fromMs).filter((e) =>
      e.kind.startsWith('artifact.'),
    );
    const present = store.listArtifacts().reduce((n, a) => n + a.size, 0);
    const disk = samples.filter((s) => Date.parse(s.time) >= range.fromMs);
    return {
      fromMs: range.fromMs,
      toMs: range.toMs,
      artifactBytes: artifactBytesSeries(events, present, range),
      disk,
    };
  });
  registerInsightRoutes(app, deps);
  registerSinceGreenRoute(app, deps);
}
