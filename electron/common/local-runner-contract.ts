/**
 * The local hosting part of DeskApi: a `coin run` child process of the app for a chosen working
 * directory (start, stop, its output, an integration of a git repository through its API) and the
 * pinned and watched instances behind the tray icon and the notifications.
 * deskContract (desk-api.ts) includes these methods; the channels are in local-runner-channels.ts.
 */
import * as z from 'zod';
import { taskSummarySchema } from '../../runner/core/task-summary';
import { instanceOwnerSchema } from './instance-schemas';
import { journalEntrySchema } from './journal-entry';
import { localRunnerChannels as channels } from './local-runner-channels';

/**
 * What a local runner is doing. `exited`: it ended without being asked to (a crash, a refusal such
 * as another instance holding the directory, or a start the app gave up on); `stopped`: never
 * started, or stopped on request.
 */
export const localRunnerPhases = ['stopped', 'starting', 'running', 'stopping', 'exited'] as const;
export const localRunnerPhaseSchema = z.enum(localRunnerPhases);
export type LocalRunnerPhase = z.infer<typeof localRunnerPhaseSchema>;

/** How a runner process ended. */
export const runnerExitSchema = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** True when the app asked it to stop. */
  requested: z.boolean(),
  /** True when the app stopped it because it did not listen within the start timeout. */
  timedOut: z.boolean(),
  at: z.string(),
  /** The end of its output, for people. */
  lastLines: z.array(z.string()),
});
export type RunnerExit = z.infer<typeof runnerExitSchema>;

/** A local runner as the UI shows it. */
export const localRunnerStateSchema = z.object({
  workingDir: z.string(),
  phase: localRunnerPhaseSchema,
  pid: z.number().int().nullable(),
  port: z.number().int().nullable(),
  /** The dashboard, once it listens. */
  url: z.string().nullable(),
  /** When it entered the phase (ISO 8601). */
  since: z.string().nullable(),
  exit: runnerExitSchema.nullable(),
  /** One sentence for people: why it exited, or why it could not start. */
  problem: z.string().nullable(),
  /**
   * How long a start may take before the app gives up and stops the runner (ms): the runner must
   * print its URL by then.
   */
  startTimeoutMs: z.number().int(),
  /**
   * Another instance holds the directory (from its coin.lock): a `coin service` daemon (`service`),
   * a runner of this app started from elsewhere (`app-runner`), or anything else (`other`).
   */
  other: z
    .object({ pid: z.number().int(), port: z.number().int().nullable(), owner: instanceOwnerSchema })
    .nullable(),
});
export type LocalRunnerState = z.infer<typeof localRunnerStateSchema>;

/**
 * A task of a local runner with its work items, as the UI shows the result of an integration:
 * what `coin task --json` prints (runner/core/task-summary.ts) and the task's dashboard page.
 */
export const runnerTaskSchema = taskSummarySchema.extend({
  /** The task's page in the runner's dashboard. */
  url: z.string(),
});
export type RunnerTask = z.infer<typeof runnerTaskSchema>;

/** An instance the tray and the notifications follow: a profile's, or a runner the app hosts. */
export const watchTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('profile'), profileId: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('local-runner'), workingDir: z.string().min(1) }).strict(),
]);
export type WatchTarget = z.infer<typeof watchTargetSchema>;

/** The pinned instance (shown by the tray icon) and the profiles watched for notifications. */
export const watchSettingsSchema = z
  .object({
    pinned: watchTargetSchema.nullable(),
    /** Profiles whose failures and failed tasks raise a notification (hosted runners always do). */
    watchedProfiles: z.array(z.string().min(1)).max(100),
    notifications: z.boolean(),
  })
  .strict();
export type WatchSettings = z.infer<typeof watchSettingsSchema>;

/** Without a working directory, a call means the app's default local instance directory. */
const dirRef = z.object({ workingDir: z.string().min(1).optional() }).strict();

export const localRunnerContract = {
  localRunnerStatus: {
    channel: channels.localRunnerStatus,
    input: dirRef,
    output: localRunnerStateSchema,
    doc: 'The local runner of a working directory: phase, pid, port, how it ended, another instance in it.',
  },
  localRunnerStart: {
    channel: channels.localRunnerStart,
    input: dirRef,
    output: localRunnerStateSchema,
    doc: 'Start `coin run` for a working directory as a child process of the app; resolves once it listens, exits, or the start timeout stopped it.',
  },
  localRunnerStop: {
    channel: channels.localRunnerStop,
    input: dirRef,
    output: localRunnerStateSchema,
    doc: 'Stop the runner, also while it starts (SIGTERM, SIGKILL after a grace period); resolves once it has exited.',
  },
  localRunnerOutput: {
    channel: channels.localRunnerOutput,
    input: dirRef
      .extend({
        after: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(2000),
      })
      .strict(),
    output: z.object({
      entries: z.array(journalEntrySchema),
      next: z.number().int(),
      truncated: z.boolean(),
    }),
    doc: "The runner's output lines after a sequence number (a bounded buffer of the latest lines).",
  },
  localRunnerIntegrate: {
    channel: channels.localRunnerIntegrate,
    input: dirRef
      .extend({
        repo: z.string().min(1),
        ref: z.string().trim().min(1),
        project: z.string().trim().min(1).optional(),
        branch: z.string().trim().min(1).optional(),
      })
      .strict(),
    output: z.object({ taskId: z.string() }),
    doc: 'Queue an integration of a local git repository at a ref on the running runner.',
  },
  localRunnerTask: {
    channel: channels.localRunnerTask,
    input: dirRef.extend({ taskId: z.string().min(1) }).strict(),
    output: runnerTaskSchema,
    doc: 'A task of the running runner with its work items.',
  },
  watchRead: {
    channel: channels.watchRead,
    input: z.object({}).strict(),
    output: watchSettingsSchema,
    doc: 'The pinned instance and the watched profiles.',
  },
  watchSave: {
    channel: channels.watchSave,
    input: z.object({ settings: watchSettingsSchema }).strict(),
    output: watchSettingsSchema,
    doc: 'Pin an instance to the tray icon and choose the profiles that notify.',
  },
} as const;

/** The DeskApi methods of local hosting and watching. */
export type LocalRunnerMethod = keyof typeof localRunnerContract;
