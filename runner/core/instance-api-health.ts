/**
 * The health part of the instance contract (re-exported by instance-api.ts): every run of the
 * checks an instance makes on itself (runner/core/health-checks.ts), stored in its database, and
 * a run on demand (`coin health`, the app). Routes, paths and schemas live here so the server, the
 * client and the app share one definition.
 */
import * as z from 'zod';
import { healthCheckIds, healthStatuses } from './health-checks';

/** The health routes of the instance's web server (spread into instanceRoutes). */
export const healthRoutes = {
  healthHistory: { method: 'GET', path: '/api/health' },
  healthRun: { method: 'POST', path: '/api/health/run' },
} as const;

/** Which runs: those of the last `days` days (default 30), at most `max` (newest kept). */
export interface HealthHistoryQuery {
  days?: number;
  max?: number;
}

/** Runs asked for when no `days` is given, and the most a request may ask for. */
export const defaultHealthDays = 30;
export const maxHealthDays = 366;

export const healthPaths = {
  healthHistory: (q: HealthHistoryQuery = {}) => {
    const params = Object.entries(q).filter(([, v]) => v !== undefined);
    return `api/health${params.length ? `?${params.map(([k, v]) => `${k}=${String(v)}`).join('&')}` : ''}`;
  },
  healthRun: () => 'api/health/run',
} as const;

export const healthCheckSchema = z.object({
  id: z.enum(healthCheckIds),
  title: z.string(),
  status: z.enum(healthStatuses),
  summary: z.string(),
  details: z.array(z.string()),
});

/** Who started a run: the instance's own schedule, or someone asking (the CLI, the app). */
export const healthTriggers = ['schedule', 'request'] as const;

/** One stored run of the checks. */
export const healthRunSchema = z.object({
  id: z.number().int(),
  checkedAt: z.string(),
  trigger: z.enum(healthTriggers),
  /** The worst status of the checks that were made. */
  overall: z.enum(healthStatuses),
  /** How long the run took. */
  ms: z.number().int(),
  checks: z.array(healthCheckSchema),
});
export type HealthRun = z.infer<typeof healthRunSchema>;

/** GET api/health: the runs oldest first, and how the schedule is set. */
export const healthHistorySchema = z.object({
  runs: z.array(healthRunSchema),
  /** Minutes between scheduled runs (0: the schedule is off). */
  intervalMinutes: z.number(),
  /** When the next scheduled run is due (null when off). */
  nextRunAt: z.string().nullable(),
});
export type HealthHistory = z.infer<typeof healthHistorySchema>;
