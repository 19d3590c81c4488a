/**
 * The Maintenance area's part of DeskApi: the administration guide's routines for a profile's
 * instance. Daily monitoring as a checklist the app runs (service, problems in the journal of the
 * last hour, disk, agents waiting vs running, the web server and how fresh its results are, Gerrit
 * convergence); garbage collection (a dry run first, then for real); artifact invalidation; and the
 * update procedure (stop, the maintenance page, `git pull --ff-only` of the deployment, dependencies
 * when the lockfile changed, start, verify), run step by step with its output kept.
 * deskContract (desk-api.ts) includes these methods; the channels are in maintenance-channels.ts.
 */
import { gcReportSchema, type GcReport } from '../../runner/core/instance-api-schemas';
import { healthHistorySchema } from '../../runner/core/instance-api-health';
import * as z from 'zod';
import { maintenanceChannels as channels } from './maintenance-channels';
import { postUpdateWatchSchema, watchMinutesSchema } from './post-update-contract';

const profileRef = z.object({ profileId: z.string().min(1) }).strict();

/** How a check came out. `skipped`: it cannot be made for this instance (the summary says why). */
export const checkStatusSchema = z.enum(['ok', 'warn', 'fail', 'skipped']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/** The checks of the daily monitoring, in the guide's order. */
export const checkIds = [
  'service',
  'journal-problems',
  'disk',
  'agents',
  'web-server',
  'latest-results',
  'gerrit',
] as const;

export const maintenanceCheckSchema = z.object({
  id: z.enum(checkIds),
  title: z.string(),
  status: checkStatusSchema,
  /** One sentence for people. */
  summary: z.string(),
  /** Evidence: matching journal lines, counts, the newest task... (at most 50). */
  details: z.array(z.string()),
});
export type MaintenanceCheck = z.infer<typeof maintenanceCheckSchema>;

export const checksReportSchema = z.object({
  profileId: z.string(),
  checkedAt: z.string(),
  /** The worst status of the checks that were made. */
  overall: checkStatusSchema,
  checks: z.array(maintenanceCheckSchema),
});
export type ChecksReport = z.infer<typeof checksReportSchema>;

// `coin gc --json` and the instance's api/admin/gc answer: the one GC report schema.
export { gcReportSchema, type GcReport };

/** The deployment's checkout on the instance's host, against its upstream after a fetch. */
export const updatePlanSchema = z.object({
  coinDir: z.string(),
  branch: z.string().nullable(),
  upstream: z.string().nullable(),
  head: z.string(),
  /** The upstream commit an update would move to (null without an upstream). */
  target: z.string().nullable(),
  /** Incoming commits, newest first (at most 100). */
  incoming: z.array(z.object({ sha: z.string(), subject: z.string(), author: z.string(), date: z.string() })),
  /** Local commits the upstream does not have (a fast-forward is then impossible). */
  ahead: z.number().int(),
  /** `git status --porcelain` lines: a production checkout must be clean. */
  dirty: z.array(z.string()),
  /** Whether package-lock.json differs between head and target (then `npm ci` runs). */
  dependenciesChange: z.boolean(),
  /** Why the update cannot run now; empty when it can. */
  blockers: z.array(z.string()),
  /** The output of `git fetch`. */
  fetchOutput: z.string(),
});
export type UpdatePlan = z.infer<typeof updatePlanSchema>;

export const updateStepIds = ['stop', 'maintenance-page', 'pull', 'dependencies', 'start', 'verify'] as const;
export const updateStepSchema = z.object({
  id: z.enum(updateStepIds),
  title: z.string(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
  /** One sentence: what happened, or why it was skipped or failed. */
  detail: z.string(),
  /** The step's command output, last lines (at most 200). */
  output: z.array(z.string()),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type UpdateStep = z.infer<typeof updateStepSchema>;

export const updateProgressSchema = z.object({
  profileId: z.string(),
  /** An update moves forward to the upstream; a rollback back to the revision before it. */
  kind: z.enum(['update', 'rollback']),
  /** interrupted: the app stopped while it ran (read from the state kept on disk). */
  state: z.enum(['idle', 'running', 'done', 'failed', 'interrupted']),
  /** For an interrupted run: where it stopped, in one sentence. */
  note: z.string().nullable(),
  /** Whether a rollback to `from` can be started (an update that changed or may have changed the code). */
  canRollback: z.boolean(),
  /** The head before and the target of the run (null when idle). */
  from: z.string().nullable(),
  to: z.string().nullable(),
  steps: z.array(updateStepSchema),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type UpdateProgress = z.infer<typeof updateProgressSchema>;

export const maintenanceContract = {
  maintenanceChecks: {
    channel: channels.maintenanceChecks,
    input: profileRef,
    output: checksReportSchema,
    doc: "Run the daily monitoring checklist of the administration guide on a profile's instance.",
  },
  maintenanceGc: {
    channel: channels.maintenanceGc,
    input: profileRef
      .extend({
        dryRun: z.boolean(),
        minFreeGb: z.number().min(0).max(100_000).optional(),
        /** A real (not dry) run on a 'real' instance needs this. */
        confirmed: z.boolean().optional(),
      })
      .strict(),
    output: gcReportSchema,
    doc: '`coin gc` on the instance: what would be removed (dry run), or remove it.',
  },
  maintenanceInvalidate: {
    channel: channels.maintenanceInvalidate,
    input: profileRef.extend({ confirmed: z.literal(true) }).strict(),
    output: z.object({ epoch: z.number().int() }),
    doc: '`coin invalidate-artifacts`: every stored artifact misses from now on.',
  },
  maintenanceUpdatePlan: {
    channel: channels.maintenanceUpdatePlan,
    input: profileRef,
    output: updatePlanSchema,
    doc: "Fetch the deployment's upstream and say what an update would bring and whether it can run.",
  },
  maintenanceUpdateStart: {
    channel: channels.maintenanceUpdateStart,
    input: profileRef
      .extend({
        /** The target the user reviewed: the run refuses when the upstream moved since. */
        target: z.string().regex(/^[0-9a-f]{40}$/),
        confirmed: z.literal(true),
        /** How long the post-update watch looks after the restart (default 30 minutes). */
        watchMinutes: watchMinutesSchema.optional(),
      })
      .strict(),
    output: updateProgressSchema,
    doc: 'Start the update procedure (stop, maintenance page, pull, dependencies, start, verify); follow it with update-progress.',
  },
  maintenanceUpdateContinue: {
    channel: channels.maintenanceUpdateContinue,
    input: profileRef.extend({ confirmed: z.literal(true) }).strict(),
    output: updateProgressSchema,
    doc: 'Run an interrupted update (the app stopped during it) again from the step it reached.',
  },
  maintenanceUpdateRollback: {
    channel: channels.maintenanceUpdateRollback,
    input: profileRef
      .extend({ confirmed: z.literal(true), watchMinutes: watchMinutesSchema.optional() })
      .strict(),
    output: updateProgressSchema,
    doc: "Roll the last update back to its previous revision with the update's own steps; follow it with update-progress.",
  },
  maintenanceUpdateWatch: {
    channel: channels.maintenanceUpdateWatch,
    input: profileRef,
    output: z.object({ watch: postUpdateWatchSchema.nullable() }),
    doc: 'The post-update watch of the last update or rollback: verdict, reasons and what it saw.',
  },
  maintenanceUpdateWatchStop: {
    channel: channels.maintenanceUpdateWatchStop,
    input: profileRef,
    output: z.object({ watch: postUpdateWatchSchema.nullable() }),
    doc: 'Stop the post-update watch before its period ends (its last verdict stays).',
  },
  maintenanceUpdateProgress: {
    channel: channels.maintenanceUpdateProgress,
    input: profileRef,
    output: updateProgressSchema,
    doc: 'Where the update procedure of a profile is, with each step and its output.',
  },
  maintenanceHealthHistory: {
    channel: channels.maintenanceHealthHistory,
    input: profileRef,
    output: healthHistorySchema,
    doc: "The runs of the health checks a profile's instance stored (the last 30 days), for trends and reports.",
  },
} as const;

/** The DeskApi methods of the Maintenance area. */
export type MaintenanceMethod = keyof typeof maintenanceContract;
