/**
 * GET `<base>/api/health`: the stored runs of the instance's health checks (the last 30 days by
 * default, oldest first) and how its schedule is set. POST `<base>/api/health/run` (admin token,
 * checked for every write by the server): run them now, store the run and answer it.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import {
  defaultHealthDays,
  healthRoutes,
  maxHealthDays,
  routeUrl,
  type HealthHistory,
  type HealthRun,
} from '../../core/instance-api';
import { invalidRequest } from '../../core/instance-errors';
import type { InstanceFacade } from '../instance/instance-facade';

const historyQuerySchema = z.object({
  days: z.coerce.number().min(0).max(maxHealthDays).default(defaultHealthDays),
  max: z.coerce.number().int().min(1).max(20_000).default(5000),
});

/** Register the routes on the instance's server (before it listens). */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: Pick<InstanceFacade, 'store' | 'health'> & { basePath: string },
): void {
  app.get(routeUrl(deps.basePath, healthRoutes.healthHistory), async (request): Promise<HealthHistory> => {
    const query = historyQuerySchema.safeParse(request.query);
    if (!query.success)
      throw invalidRequest(`api/health: ${query.error.issues[0]?.message ?? 'bad query'} (days 0-366)`);
    const since = new Date(Date.now() - query.data.days * 86_400_000).toISOString();
    return {
      runs: deps.store.health.since(since, query.data.max),
      intervalMinutes: deps.health.intervalMinutes,
      nextRunAt: deps.health.nextRunAt,
    };
  });
  app.post(routeUrl(deps.basePath, healthRoutes.healthRun), async (): Promise<HealthRun> =>
    deps.health.run('request'),
  );
}
