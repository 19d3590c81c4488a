/**
 * The post-update watch of the Maintenance area (part of maintenance-contract.ts): after an update
 * (or a rollback) restarted the instance, the app keeps looking for a chosen period — journal
 * errors since the restart, the tasks the stop interrupted running again, agents reaching
 * `running`, builds finishing, system failures told apart from build and test failures — and
 * says green, watching or red with its reasons. Red offers a rollback to the previous revision.
 */
import * as z from 'zod';

/** green: nothing wrong and nothing pending; watching: nothing wrong yet, something pending; red: reasons. */
export const watchVerdictSchema = z.enum(['watching', 'green', 'red']);
export type WatchVerdict = z.infer<typeof watchVerdictSchema>;

/** A task the watch follows: one the stop interrupted, or one that finished since the restart. */
export const watchedTaskSchema = z.object({
  id: z.string(),
  project: z.string(),
  branch: z.string(),
  state: z.string(),
  finished: z.string().nullable(),
  /** The kinds of its work items' classified failures (build, test, system, insignificant). */
  failureKinds: z.array(z.string()),
  /** The first system failure's message, when it has one. */
  systemFailure: z.string().nullable(),
});
export type WatchedTask = z.infer<typeof watchedTaskSchema>;

export const postUpdateWatchSchema = z.object({
  profileId: z.string(),
  /** What the watch follows: the revision the update (or rollback) started. */
  revision: z.string(),
  kind: z.enum(['update', 'rollback']),
  /** polling: still looking; ended: the period is over; stopped: someone stopped it. */
  state: z.enum(['polling', 'ended', 'stopped']),
  verdict: watchVerdictSchema,
  /** Why the verdict is red (empty otherwise). */
  reasons: z.array(z.string()),
  /** What the watch still waits for (a green verdict has none). */
  pending: z.array(z.string()),
  /** When the service was started again (the Start step began: what it logs while starting counts). */
  restartedAt: z.string(),
  periodMinutes: z.number().int(),
  until: z.string(),
  lastPollAt: z.string().nullable(),
  /** The last poll's problem reaching the instance, if any. */
  pollError: z.string().nullable(),
  journal: z.object({
    source: z.string(),
    /** Error lines since the restart (the last 50), each `time LEVEL message`. */
    errors: z.array(z.string()),
    count: z.number().int(),
  }),
  /** The tasks that were running when the update stopped the instance. */
  interrupted: z.array(watchedTaskSchema),
  /** Tasks that finished since the restart, newest first (at most 50). */
  finished: z.array(watchedTaskSchema),
  agents: z.object({
    /** Agents in each state at the last poll. */
    byState: z.record(z.string(), z.number().int()),
    /** Agents seen in `running` since the restart. */
    reachedRunning: z.number().int(),
  }),
});
export type PostUpdateWatch = z.infer<typeof postUpdateWatchSchema>;

/** How long the watch looks by default, in minutes (the view can choose another period). */
export const defaultWatchMinutes = 30;
export const watchMinutesSchema = z
  .number()
  .int()
  .min(1)
  .max(24 * 60);
