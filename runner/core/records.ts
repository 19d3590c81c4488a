/**
 * The records Coin keeps (tasks, work items, agents, events, artifacts): plain readonly values, one
 * per row, shared by the store, the API and the dashboards. The ones the instance's API answers
 * with are zod schemas (their types inferred), so a client checks an answer against the very
 * definition the store writes (runner/core/instance-api.ts).
 */
import * as z from 'zod';
import {
  agentStates,
  taskStates,
  taskTypes,
  workItemStates,
  type AgentState,
  type TaskType,
  type WorkItemKind,
} from './model';

/** A JSON object as stored in a JSON column. */
export const jsonObjectSchema = z.record(z.string(), z.unknown()).readonly();
export type JsonObject = z.infer<typeof jsonObjectSchema>;

/** One integration (or other task) and where it came from. */
export const taskRecordSchema = z
  .object({
    id: z.string(),
    type: z.enum(taskTypes),
    project: z.string(),
    branch: z.string(),
    sha: z.string().nullable(),
    /** The changes under test (Gerrit changes and patch sets), as the change source described them. */
    testedChanges: z.array(jsonObjectSchema).readonly(),
    state: z.enum(taskStates),
    created: z.string(),
    started: z.string().nullable(),
    finished: z.string().nullable(),
    /** The change source that produced the task (Gerrit, a local git ref, ...). */
    source: jsonObjectSchema,
    resultReason: z.string().nullable(),
  })
  .readonly();
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/** What createTask needs; a task always starts Initializing. */
export interface NewTask {
  readonly id?: string;
  readonly type: TaskType;
  readonly project: string;
  readonly branch: string;
  readonly sha?: string | null;
  readonly testedChanges?: readonly JsonObject[];
  readonly source?: JsonObject;
}

/** Why a work item failed: the infrastructure, the build, or the tests. */
export const failureKinds = ['system', 'build', 'test'] as const;
export type FailureKind = (typeof failureKinds)[number];

/** A work item's kind: the phase of its module it runs (model.ts). */
export const workItemKindSchema = z.custom<WorkItemKind>(
  (value) => typeof value === 'string' && value !== '',
  'expected the name of a phase',
);

/** One step of a task on one configuration. */
export const workItemRecordSchema = z
  .object({
    id: z.string(),
    taskId: z.string(),
    kind: workItemKindSchema,
    configurationId: z.string(),
    buildKey: z.string().nullable(),
    /** Ids of the work items (of the same task) this one waits for. */
    dependsOn: z.array(z.string()).readonly(),
    state: z.enum(workItemStates),
    /** True when a finished build with the same key was reused instead of building. */
    reused: z.boolean(),
    agentId: z.string().nullable(),
    created: z.string(),
    started: z.string().nullable(),
    finished: z.string().nullable(),
    failureReason: z.string().nullable(),
    failureKind: z.enum(failureKinds).nullable(),
  })
  .readonly();
export type WorkItemRecord = z.infer<typeof workItemRecordSchema>;

/** What createWorkItems needs per item; ids come from the planner so dependencies can name them. */
export interface NewWorkItem {
  readonly id: string;
  readonly kind: WorkItemKind;
  readonly configurationId: string;
  readonly buildKey?: string | null;
  readonly dependsOn?: readonly string[];
}

/** Details recorded together with a work item state change. */
export interface WorkItemChange {
  readonly agentId?: string | null;
  readonly reused?: boolean;
  readonly failureReason?: string | null;
  readonly failureKind?: FailureKind | null;
}

/** A machine (local process or VM) that runs work items. */
export const agentRecordSchema = z
  .object({
    id: z.string(),
    hypervisor: z.string(),
    state: z.enum(agentStates),
    workItemId: z.string().nullable(),
    host: z.string().nullable(),
    pid: z.number().nullable(),
    started: z.string(),
    updated: z.string(),
  })
  .readonly();
export type AgentRecord = z.infer<typeof agentRecordSchema>;

/** What upsertAgent writes; state applies only when the agent is new (changes go through setAgentState). */
export interface AgentUpsert {
  readonly id: string;
  readonly hypervisor: string;
  readonly state?: AgentState;
  readonly workItemId?: string | null;
  readonly host?: string | null;
  readonly pid?: number | null;
}

/** One thing that happened, in the order it happened (seq never repeats or goes back). */
export const storeEventSchema = z
  .object({
    seq: z.number().int(),
    time: z.string(),
    /** What happened (`task.state`, `workItem.created`, ...: instance-api.ts lists them). */
    kind: z.string(),
    /** The id of what the event is about: a task, work item, agent or artifact key. */
    subject: z.string(),
    payload: jsonObjectSchema,
  })
  .readonly();
export type StoreEvent = z.infer<typeof storeEventSchema>;

/** A stored build result: its key, where the blob is, and when it was last used. */
export interface ArtifactRecord {
  readonly key: string;
  readonly project: string;
  /** Relative to the artifact root: <first two hex digits>/<sha256>. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly created: string;
  readonly lastUsed: string;
  readonly epoch: number;
  /**
   * Where the contents belong when a later work item receives this artifact as an input: a path
   * relative to the agent's working directory ('.' or e.g. 'install'), see artifact-mount.ts.
   */
  readonly mount: string;
}

/** What recordArtifact writes; the epoch is always the current one. */
export type NewArtifact = Pick<ArtifactRecord, 'key' | 'project' | 'path' | 'size' | 'sha256' | 'mount'>;

const isoTime = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${String(value)}` });
    return z.NEVER;
  }
  return date.toISOString();
});

/**
 * Filters of listTasks, mirroring Coin's GET /coin/api/tasks; before/after compare creation
 * times. project and branch match whole names; projectPart and branchPart match any part of the
 * name, ignoring case (what the read API's project and branch parameters do); idPrefix matches
 * the start of the task id (the CLI's short ids).
 */
export const taskFiltersSchema = z.object({
  project: z.string().optional(),
  branch: z.string().optional(),
  projectPart: z.string().optional(),
  branchPart: z.string().optional(),
  idPrefix: z.string().optional(),
  type: z.enum(taskTypes).optional(),
  state: z.enum(taskStates).optional(),
  before: isoTime.optional(),
  after: isoTime.optional(),
  searchText: z.string().optional(),
  start: z.number().int().min(0).default(0),
  max: z.number().int().min(1).max(1000).default(100),
});

/** The filters as a caller writes them. */
export type TaskFilters = z.input<typeof taskFiltersSchema>;

/** One page of tasks, newest first, and how many matched in all. */
export const taskPageSchema = z
  .object({
    total: z.number().int(),
    start: z.number().int(),
    tasks: z.array(taskRecordSchema).readonly(),
  })
  .readonly();
export type TaskPage = z.infer<typeof taskPageSchema>;

/** What recoverAfterRestart did, and the agents the caller must stop and clean up. */
export interface RecoveryReport {
  readonly requeuedTasks: number;
  readonly discardedWorkItems: number;
  readonly cancelledWorkItems: number;
  readonly agentsToStop: readonly AgentRecord[];
}
