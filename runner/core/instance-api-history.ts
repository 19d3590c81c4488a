/**
 * The history part of the instance contract (re-exported by instance-api.ts): task search, test
 * history and flakiness, durations and "what changed since green". Routes, paths and schemas of
 * these answers live here so the server, the clients and the dashboard share one definition.
 */
import * as z from 'zod';
import { taskStates, taskTypes } from './model';
import { taskRecordSchema } from './records';

const get = (path: string) => ({ method: 'GET', path }) as const;

/** The history routes of the instance's web server (spread into instanceRoutes). */
export const historyRoutes = {
  taskSearch: get('/api/search/tasks'),
  tests: get('/api/tests'),
  testHistory: get('/api/tests/history'),
  flakyTests: get('/api/tests/flaky'),
  durations: get('/api/durations'),
  taskDurations: get('/api/tasks/:id/durations'),
  sinceGreen: get('/api/tasks/:id/since-green'),
} as const;

const enc = encodeURIComponent;

/** `?a=1&b=x` from the defined, non-empty values (none: ''). */
function query(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] != null && entry[1] !== '')
    .map(([key, value]) => `${enc(key)}=${enc(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Which durations: a project and branch, optionally one configuration and phase. */
export interface DurationQuery {
  project?: string;
  branch?: string;
  configuration?: string;
  kind?: string;
  max?: number;
}

/** The paths clients ask for (spread into instancePaths). */
export const historyPaths = {
  taskSearch: (q: Partial<TaskSearchQuery> = {}) => `api/search/tasks${query(q)}`,
  tests: (search?: string, max?: number) => `api/tests${query({ search, max })}`,
  testHistory: (name: string, max?: number) => `api/tests/history${query({ name, max })}`,
  flakyTests: (max?: number, project?: string) => `api/tests/flaky${query({ max, project })}`,
  durations: (q: DurationQuery) => `api/durations${query({ ...q })}`,
  taskDurations: (id: string) => `api/tasks/${enc(id)}/durations`,
  sinceGreen: (id: string) => `api/tasks/${enc(id)}/since-green`,
  /** The dashboard's page of a test. */
  testPage: (name: string) => `#/tests/${enc(name)}`,
} as const;

/** Rows per page of the dashboard's task list, which asks for its pages with taskSearch. */
export const taskListPageSize = 100;

/**
 * The unfiltered task list's first page, exactly as the dashboard asks for it: the instance has
 * the page preload it while the scripts load, and a preload only serves a request for its URL.
 */
export const taskListFirstPage = historyPaths.taskSearch({ start: 0, max: taskListPageSize });

/**
 * GET api/search/tasks: every filter at once. project and branch match any part of the name, sha
 * the start of the sha, change a tested change's number or id exactly, failure words in the
 * failure reasons of the task and its work items, text any of these; after/before bound the
 * creation time (ISO).
 */
export const taskSearchQuerySchema = z.object({
  project: z.string().optional(),
  branch: z.string().optional(),
  sha: z
    .string()
    .regex(/^[0-9a-fA-F]{1,40}$/, 'expected the start of a sha (hex digits)')
    .optional(),
  change: z.string().optional(),
  type: z.enum(taskTypes).optional(),
  state: z.enum(taskStates).optional(),
  after: z.string().optional(),
  before: z.string().optional(),
  failure: z.string().optional(),
  text: z.string().optional(),
  start: z.coerce.number().int().min(0).optional(),
  max: z.coerce.number().int().min(1).max(1000).optional(),
});
export type TaskSearchQuery = z.output<typeof taskSearchQuerySchema>;

const testOutcomeSchema = z.enum(['passed', 'failed', 'flaky', 'skipped']);

/** One run of one test case: which integration, configuration and revision, and how it ended. */
export const testRunSchema = z
  .object({
    taskId: z.string(),
    workItemId: z.string(),
    sha: z.string().nullable(),
    configurationId: z.string(),
    outcome: testOutcomeSchema,
    attempts: z.number(),
    durationMs: z.number(),
    message: z.string().nullable(),
    recorded: z.string(),
    /** A failure at a revision where the test also passed, or a pass after failing in the run. */
    flaky: z.boolean(),
  })
  .readonly();
export type TestRun = z.infer<typeof testRunSchema>;

const runRefSchema = z
  .object({ taskId: z.string(), sha: z.string().nullable(), recorded: z.string() })
  .readonly()
  .nullable();

/** Counts and landmarks of a test's runs (all of them, or one configuration's). */
export const testSummarySchema = z
  .object({
    runs: z.number(),
    passed: z.number(),
    failed: z.number(),
    flaky: z.number(),
    skipped: z.number(),
    /** Flaky runs / runs that were not skipped (0..1). */
    flakyRate: z.number(),
    /** The newest run that passed. */
    lastPass: runRefSchema,
    /** The first failed run after the last pass (all of them failed since): where it broke. */
    firstFailing: runRefSchema,
  })
  .readonly();
export type TestSummary = z.infer<typeof testSummarySchema>;

/** GET api/tests/history?name=: a test's runs, newest first, with its summaries. */
export const testHistorySchema = z
  .object({
    name: z.string(),
    summary: testSummarySchema,
    configurations: z.array(z.object({ configurationId: z.string(), summary: testSummarySchema })),
    runs: z.array(testRunSchema).readonly(),
  })
  .readonly();
export type TestHistory = z.infer<typeof testHistorySchema>;

/** One line of the test lists (GET api/tests and api/tests/flaky). */
export const testListEntrySchema = z
  .object({
    name: z.string(),
    runs: z.number(),
    failed: z.number(),
    flaky: z.number(),
    flakyRate: z.number(),
    lastRecorded: z.string(),
    lastOutcome: testOutcomeSchema,
    /** When it last passed (or passed on retry); null when it never did. */
    lastPass: z.string().nullable(),
  })
  .readonly();
export type TestListEntry = z.infer<typeof testListEntrySchema>;

/** GET api/tests?search= and api/tests/flaky. */
export const testListSchema = z.object({ tests: z.array(testListEntrySchema).readonly() }).readonly();

/** One finished work item's duration. */
export const durationPointSchema = z
  .object({
    taskId: z.string(),
    workItemId: z.string(),
    kind: z.string(),
    configurationId: z.string(),
    finished: z.string(),
    durationMs: z.number(),
    state: z.string(),
  })
  .readonly();
export type DurationPoint = z.infer<typeof durationPointSchema>;

/** GET api/durations?project=&branch=&configuration=&kind=: oldest first. */
export const durationsSchema = z.object({ points: z.array(durationPointSchema).readonly() }).readonly();

/** GET api/tasks/<id>/durations: each work item against the same step's earlier runs. */
export const taskDurationsSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            workItemId: z.string(),
            kind: z.string(),
            configurationId: z.string(),
            durationMs: z.number().nullable(),
            medianMs: z.number().nullable(),
            samples: z.number(),
            ratio: z.number().nullable(),
            slow: z.boolean(),
          })
          .readonly(),
      )
      .readonly(),
  })
  .readonly();
export type TaskDurations = z.infer<typeof taskDurationsSchema>;

/** GET api/tasks/<id>/since-green (runner/core/since-green.ts). */
export const sinceGreenSchema = z
  .object({
    taskId: z.string(),
    green: taskRecordSchema.nullable(),
    commits: z
      .array(z.object({ sha: z.string(), subject: z.string(), author: z.string(), time: z.string() }))
      .readonly(),
    commitsNote: z.string().nullable(),
    dependencies: z
      .array(z.object({ project: z.string(), from: z.string().nullable(), to: z.string().nullable() }))
      .readonly(),
    plans: z
      .array(
        z.object({
          project: z.string(),
          kind: z.string(),
          configurationId: z.string(),
          change: z.enum(['added', 'removed', 'instructions', 'environment', 'instructions+environment']),
        }),
      )
      .readonly(),
    configChanges: z
      .array(
        z.object({
          version: z.number(),
          time: z.string(),
          appliedBy: z.string(),
          via: z.string(),
          changes: z.array(z.string()),
        }),
      )
      .readonly(),
    newlyFailing: z
      .array(z.object({ name: z.string(), configurationId: z.string(), message: z.string().nullable() }))
      .readonly(),
  })
  .readonly();
export type SinceGreen = z.infer<typeof sinceGreenSchema>;
