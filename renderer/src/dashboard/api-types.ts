/**
 * The shapes the runner's read API answers with, as the page receives them (JSON). The records
 * are runner/core/records.ts (one place for the store, the API and the dashboards); the shapes of
 * the dashboard routes (runner/node/server) are written out here, as the page may not import Node
 * code.
 */
import type {
  AgentRecord,
  FailureKind,
  StoreEvent,
  TaskPage,
  TaskFilters as ApiTaskFilters,
  TaskRecord,
  WorkItemRecord,
} from '../../../runner/core/records';
import type { TestResult } from '../../../runner/core/test-report';
import type { WorkItemFailure } from '../../../runner/core/failure-classification';
import type { HypervisorHost } from '../../../runner/core/hypervisor';

export type { FailureKind, StoreEvent, TaskPage, TestResult, WorkItemFailure };

/** GET api/gerrit (runner/core/gerrit/gerrit-overview.ts, plain types the page may import). */
export type {
  CoinView,
  GerritApiAnswer,
  GerritOverview,
  GerritRow,
} from '../../../runner/core/gerrit/gerrit-overview';

/** One integration (or other task). */
export type Task = TaskRecord;

/** One step of a task on one configuration. */
export type WorkItem = WorkItemRecord;

/** One agent of the pool. */
export type Agent = AgentRecord;

/** GET api/hosts: the machines agents run on (runner/node/server/hosts-route.ts). */
export interface HostsReport {
  readonly hypervisor: 'local' | 'opennebula';
  readonly hosts: readonly HypervisorHost[];
}

/** GET api/taskDetail; `failures` (runner/core/failure-classification.ts) is absent from older instances. */
export interface TaskDetail {
  readonly task: Task;
  readonly workItems: readonly WorkItem[];
  readonly failures?: readonly WorkItemFailure[];
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

/** From `line` on (to the next entry or the page's end), the lines arrived at `at` (ms since the epoch). */
export interface LogLineTime {
  readonly line: number;
  readonly at: number;
}

/** GET api/workitems/<id>/log/lines. */
export interface LogLines {
  readonly total: number;
  readonly from: number;
  readonly lines: readonly string[];
  readonly size: number;
  /** When the lines arrived, per batch of the agent (≤ 50 ms apart); absent for older logs. */
  readonly times?: readonly LogLineTime[];
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

/** The filters of the task list: the parameters of GET api/tasks that people choose. */
export type TaskFilters = Pick<ApiTaskFilters, 'project' | 'branch' | 'type' | 'state' | 'searchText'>;
