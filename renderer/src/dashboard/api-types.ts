/**
 * The shapes the runner's read API answers with, as the page receives them (JSON). They mirror
 * runner/node/store/store-records.ts and the dashboard routes in runner/node/server, which the
 * renderer may not import (they live with Node code); the states come from runner/core/model.
 */
import type {
  AgentState,
  TaskState,
  TaskType,
  WorkItemKind,
  WorkItemState,
} from '../../../runner/core/model';
import type { TestResult } from '../../../runner/core/test-report';

/** One integration (or other task). */
export interface Task {
  readonly id: string;
  readonly type: TaskType;
  readonly project: string;
  readonly branch: string;
  readonly sha: string | null;
  readonly testedChanges: readonly Readonly<Record<string, unknown>>[];
  readonly state: TaskState;
  readonly created: string;
  readonly started: string | null;
  readonly finished: string | null;
  readonly source: Readonly<Record<string, unknown>>;
  readonly resultReason: string | null;
}

/** GET api/tasks. */
export interface TaskPage {
  readonly total: number;
  readonly start: number;
  readonly tasks: readonly Task[];
}

/** Why a work item failed: the infrastructure (system), the build, or the tests. */
export type FailureKind = 'system' | 'build' | 'test';

/** One step of a task on one configuration. */
export interface WorkItem {
  readonly id: string;
  readonly taskId: string;
  readonly kind: WorkItemKind;
  readonly configurationId: string;
  readonly buildKey: string | null;
  readonly dependsOn: readonly string[];
  readonly state: WorkItemState;
  readonly reused: boolean;
  readonly agentId: string | null;
  readonly created: string;
  readonly started: string | null;
  readonly finished: string | null;
  readonly failureReason: string | null;
  readonly failureKind: FailureKind | null;
}

/** GET api/taskDetail. */
export interface TaskDetail {
  readonly task: Task;
  readonly workItems: readonly WorkItem[];
}

/** One agent of the pool. */
export interface Agent {
  readonly id: string;
  readonly hypervisor: string;
  readonly state: AgentState;
  readonly workItemId: string | null;
  readonly host: string | null;
  readonly pid: number | null;
  readonly started: string;
  readonly updated: string;
}

/** A store event pushed over the WebSocket. */
export interface StoreEvent {
  readonly seq: number;
  readonly time: string;
  readonly kind: string;
  readonly subject: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** GET api/storage. */
export interface StorageReport {
  readonly freeBytes: number;
  readonly totalBytes: number;
  readonly gcMinFreeBytes: number;
  readonly artifactEpoch: number;
  readonly artifacts: {
    readonly count: number;
    readonly bytes: number;
    readonly byProject: readonly { project: string; count: number; bytes: number }[];
  };
}

/** GET api/workitems/<id>/log/lines. */
export interface LogLines {
  readonly total: number;
  readonly from: number;
  readonly lines: readonly string[];
  readonly size: number;
}

/** GET api/workitems/<id>/log/search. */
export interface LogSearchResult {
  readonly matches: readonly number[];
  readonly truncated: boolean;
}

/** One moment of GET api/agents/history. */
export interface PoolPoint {
  readonly time: string;
  readonly provisioning: number;
  readonly waiting: number;
  readonly running: number;
  readonly stopping: number;
}

/** GET api/agents/history. */
export interface PoolHistory {
  readonly fromMs: number;
  readonly toMs: number;
  readonly series: readonly PoolPoint[];
}

/** GET api/storage/history. */
export interface StorageHistory {
  readonly fromMs: number;
  readonly toMs: number;
  readonly artifactBytes: readonly { time: string; bytes: number }[];
  readonly disk: readonly { time: string; freeBytes: number; totalBytes: number }[];
}

export type { TestResult };

/** The filters of the task list, as GET api/tasks takes them. */
export interface TaskFilters {
  project?: string;
  branch?: string;
  type?: TaskType;
  state?: TaskState;
  searchText?: string;
}
