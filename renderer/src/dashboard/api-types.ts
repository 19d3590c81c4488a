/**
 * The shapes the runner's API answers with, under the names the dashboard pages use. Every one is
 * the instance contract's (runner/core/instance-api.ts, where records, answers and their schemas
 * are defined once for the server, the clients and these pages).
 */
import type {
  AgentRecord,
  TaskListFilters,
  TaskRecord,
  WorkItemRecord,
} from '../../../runner/core/instance-api';

export type {
  HostsReport,
  LogLines,
  LogLineTime,
  LogSearchResult,
  PoolHistory,
  PoolPoint,
  StorageHistory,
  StorageReport,
  StoreEvent,
  TaskDetail,
  TaskPage,
  DurationPoint,
  SinceGreen,
  TaskDurations,
  TestHistory,
  TestListEntry,
  TestRun,
  TestSummary,
} from '../../../runner/core/instance-api';
export type { FailureKind } from '../../../runner/core/records';
export type { TestResult } from '../../../runner/core/test-report';
export type { WorkItemFailure } from '../../../runner/core/failure-classification';

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

/**
 * The filters of the task list, each one a parameter of the task search (GET api/search/tasks):
 * `searchText` is its `text` (any part of project, branch, changes or failure reason), `from` and
 * `to` are days (YYYY-MM-DD, both included).
 */
export type TaskFilters = TaskListFilters & {
  sha?: string;
  change?: string;
  failure?: string;
  from?: string;
  to?: string;
};
