/**
 * What the instance's API takes and answers (part of instance-api.ts, which re-exports it): zod
 * schemas that are the types too. Records are records.ts's own schemas. Where a shape is a type of
 * another core module (a classified failure, a test result, a host), the schema here is checked
 * against it at compile time (`SchemaChecks`), so the two cannot drift apart.
 */
import * as z from 'zod';
import type { WorkItemFailure } from './failure-classification';
import type { GcRemoval } from './gc-plan';
import type { HypervisorHost } from './hypervisor';
import { taskStates, taskTypes } from './model';
import { agentRecordSchema, taskRecordSchema, workItemRecordSchema, type TaskFilters } from './records';
import type { TestResult } from './test-report';

export { gerritAnswerSchema } from './instance-api-gerrit';

/**
 * GET api/tasks: the filters, as the URL carries them. `project` and `branch` match any part of
 * the name, ignoring case (the task list's filters); `idPrefix` the start of the id (short ids).
 */
export const taskListQuerySchema = z.object({
  project: z.string().optional(),
  branch: z.string().optional(),
  idPrefix: z.string().optional(),
  type: z.enum(taskTypes).optional(),
  state: z.enum(taskStates).optional(),
  /** Created before / after this time (ISO). */
  before: z.string().optional(),
  after: z.string().optional(),
  searchText: z.string().optional(),
  start: z.coerce.number().int().min(0).optional(),
  max: z.coerce.number().int().min(1).max(1000).optional(),
});
export type TaskListQuery = z.output<typeof taskListQuerySchema>;

/** The store's filters for a query of GET api/tasks (names matched by part, as the page filters). */
export function storeTaskFilters(query: TaskListQuery): TaskFilters {
  const { project, branch, ...rest } = query;
  return { ...rest, projectPart: project, branchPart: branch };
}

/** The filters of the task list that people choose: parameters of GET api/tasks. */
export type TaskListFilters = Pick<TaskListQuery, 'project' | 'branch' | 'type' | 'state' | 'searchText'>;

export {
  agentRecordSchema,
  storeEventSchema,
  taskPageSchema,
  taskRecordSchema,
  workItemRecordSchema,
  type AgentRecord,
  type StoreEvent,
  type TaskPage,
  type TaskRecord,
  type WorkItemRecord,
} from './records';

const failedTestSchema = z
  .object({ name: z.string(), message: z.string().nullable(), attempts: z.number() })
  .readonly();

/** A work item's classified failure (runner/core/failure-classification.ts). */
export const workItemFailureSchema = z
  .object({
    workItemId: z.string(),
    kind: z.enum(['build', 'test', 'system', 'insignificant']),
    failedTests: z.array(failedTestSchema).readonly(),
    failedTestCount: z.number(),
    message: z.string(),
    cause: z.string().nullable(),
    command: z.string().nullable(),
    at: z.string().nullable(),
  })
  .readonly();

/** GET api/taskDetail; `failures` is absent from instances older than the failure classes. */
export const taskDetailSchema = z
  .object({
    task: taskRecordSchema,
    workItems: z.array(workItemRecordSchema).readonly(),
    failures: z.array(workItemFailureSchema).readonly().optional(),
  })
  .readonly();
export type TaskDetail = z.infer<typeof taskDetailSchema>;

/** One test's result (runner/core/test-report.ts). */
export const testResultSchema = z.object({
  name: z.string(),
  outcome: z.enum(['passed', 'failed', 'flaky', 'skipped']),
  attempts: z.number(),
  durationMs: z.number(),
  message: z.string().optional(),
});

/** GET api/workitems/<id>/tests. */
export const testResultsSchema = z.object({ tests: z.array(testResultSchema) });

/** GET api/workitems/<id>/log/lines; `times` (when the lines arrived, per agent batch) is absent for older logs. */
export const logLinesSchema = z
  .object({
    total: z.number().int(),
    from: z.number().int(),
    lines: z.array(z.string()).readonly(),
    /** Bytes of the log file. */
    size: z.number(),
    times: z
      .array(z.object({ line: z.number().int(), at: z.number() }).readonly())
      .readonly()
      .optional(),
  })
  .readonly();
export type LogLines = z.infer<typeof logLinesSchema>;
export type LogLineTime = NonNullable<LogLines['times']>[number];

/** GET api/workitems/<id>/log/search: matching line numbers (0-based), at most `max`. */
export const logSearchSchema = z
  .object({ matches: z.array(z.number().int()).readonly(), truncated: z.boolean() })
  .readonly();
export type LogSearchResult = z.infer<typeof logSearchSchema>;

/** GET api/workitems/<id>/log/first-error: the line where the failure shows, if any. */
export const firstErrorSchema = z.object({ line: z.number().int().nullable() });

/** GET api/agents. */
export const agentsAnswerSchema = z.object({ agents: z.array(agentRecordSchema) });

const poolPointSchema = z
  .object({
    time: z.string(),
    provisioning: z.number(),
    waiting: z.number(),
    running: z.number(),
    stopping: z.number(),
  })
  .readonly();
export type PoolPoint = z.infer<typeof poolPointSchema>;

/** GET api/agents/history: agents per state over the last hours. */
export const poolHistorySchema = z
  .object({ fromMs: z.number(), toMs: z.number(), series: z.array(poolPointSchema).readonly() })
  .readonly();
export type PoolHistory = z.infer<typeof poolHistorySchema>;

/** GET api/storage: the disk of the working directory, artifacts by project, the GC threshold. */
export const storageReportSchema = z
  .object({
    freeBytes: z.number(),
    totalBytes: z.number(),
    gcMinFreeBytes: z.number(),
    artifactEpoch: z.number(),
    artifacts: z
      .object({
        count: z.number(),
        bytes: z.number(),
        byProject: z
          .array(z.object({ project: z.string(), count: z.number(), bytes: z.number() }))
          .readonly(),
      })
      .readonly(),
  })
  .readonly();
export type StorageReport = z.infer<typeof storageReportSchema>;

/** GET api/storage/history: artifact bytes and free disk over the last hours. */
export const storageHistorySchema = z
  .object({
    fromMs: z.number(),
    toMs: z.number(),
    artifactBytes: z.array(z.object({ time: z.string(), bytes: z.number() })).readonly(),
    disk: z.array(z.object({ time: z.string(), freeBytes: z.number(), totalBytes: z.number() })).readonly(),
  })
  .readonly();
export type StorageHistory = z.infer<typeof storageHistorySchema>;

/** A machine agents run on (runner/core/hypervisor.ts). */
export const hypervisorHostSchema = z.object({
  name: z.string(),
  state: z.enum(['on', 'off', 'error', 'disabled']),
  agents: z.number(),
  capacity: z.number().nullable(),
});

/** GET api/hosts: the machines agents run on, as the instance's hypervisor sees them. */
export const hostsReportSchema = z
  .object({
    hypervisor: z.enum(['local', 'opennebula']),
    hosts: z.array(hypervisorHostSchema).readonly(),
  })
  .readonly();
export type HostsReport = z.infer<typeof hostsReportSchema>;

/**
 * GET api/version: what the instance runs: Coin Admin's name and version, the git revision of its
 * checkout or build (null when unknown), the COIN revision of its build keys and its Node.
 */
export const instanceVersionSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    revision: z.string().nullable(),
    coinRevision: z.number(),
    node: z.string(),
    platform: z.string(),
  })
  .readonly();
export type InstanceVersion = z.infer<typeof instanceVersionSchema>;

/** GET api/configurations: the platform configurations the instance offers, with their properties. */
export const configurationsAnswerSchema = z.object({
  configurations: z.array(
    z.object({
      id: z.string(),
      template: z.string(),
      compiler: z.string(),
      targetOs: z.string().nullable(),
      targetArch: z.string().nullable(),
      features: z.array(z.string()),
      source: z.string(),
      /** What conditions and sched rules read (`host.os`, `platformDependency.host.os`, ...). */
      properties: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()])),
    }),
  ),
});
export type ConfigurationsAnswer = z.infer<typeof configurationsAnswerSchema>;

/** POST api/integrations: a local git repository at a ref (what `coin integrate` sends). */
export const integrationRequestSchema = z
  .object({
    repo: z.string().min(1),
    ref: z.string().min(1),
    project: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/repo')
      .optional(),
    branch: z.string().min(1).optional(),
    configs: z.array(z.string().min(1)).default([]),
    depsRoot: z.string().min(1).optional(),
  })
  .strict();
export type IntegrationRequest = z.input<typeof integrationRequestSchema>;

/** The answer to POST api/integrations (201): the new task. */
export const integrationAnswerSchema = z.object({ id: z.string().min(1), task: taskRecordSchema.optional() });

/** The admin actions, POSTed to api/admin/<action> with the admin token. */
export const adminActions = ['gc', 'invalidate-artifacts'] as const;
export type AdminAction = (typeof adminActions)[number];

/** POST api/admin/gc: collect until minFreeBytes are free (default: the instance's threshold). */
export const gcRequestSchema = z
  .object({ dryRun: z.boolean().default(false), minFreeBytes: z.number().min(0).optional() })
  .strict();
export type GcRequest = z.input<typeof gcRequestSchema>;

/** What a collection removed (or, in a dry run, would remove); also `coin gc --json`. */
export const gcReportSchema = z
  .object({
    dryRun: z.boolean(),
    removed: z
      .array(
        z
          .object({
            key: z.string(),
            sha256: z.string(),
            size: z.number(),
            reason: z.enum(['old-epoch', 'lru']),
            freedBytes: z.number(),
          })
          .readonly(),
      )
      .readonly(),
    freedBytes: z.number(),
    freeBytesBefore: z.number(),
    freeBytesAfter: z.number(),
    satisfied: z.boolean(),
    pinnedKept: z.number(),
    sweep: z
      .object({
        orphanBlobs: z.array(z.object({ path: z.string(), size: z.number() })).readonly(),
        staleTempFiles: z.array(z.string()).readonly(),
        freedBytes: z.number(),
      })
      .readonly(),
  })
  .readonly();
export type GcReport = z.infer<typeof gcReportSchema>;

/** POST api/admin/invalidate-artifacts: the new artifact epoch. */
export const invalidateAnswerSchema = z.object({ epoch: z.number().int() });

/** The error answer of every route: one line for people. */
export const errorAnswerSchema = z.object({ error: z.string() });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** Compile-time proof that the schemas above describe the core types they mirror. */
export type SchemaChecks = [
  Assert<Same<z.infer<typeof workItemFailureSchema>, WorkItemFailure>>,
  Assert<Same<z.infer<typeof testResultSchema>, TestResult>>,
  Assert<Same<z.infer<typeof hypervisorHostSchema>, HypervisorHost>>,
  Assert<Same<GcReport['removed'][number], GcRemoval>>,
];
