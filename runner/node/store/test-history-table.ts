/**
 * The test_outcomes table: one row per test case a work item reported, with the integration,
 * revision and configuration it ran on, filled when the task runner records a work item's results.
 * What the test history, the flakiest tests and "newly failing" in since-green read.
 */
import type Database from 'better-sqlite3';
import type { TestListEntry } from '../../core/instance-api-history';
import { markFlaky, type StoredTestRun } from '../../core/test-history';
import type { TestResult } from '../../core/test-report';

interface OutcomeRow {
  task_id: string;
  work_item_id: string;
  sha: string | null;
  configuration_id: string;
  name: string;
  outcome: StoredTestRun['outcome'];
  attempts: number;
  duration_ms: number;
  message: string | null;
  recorded: string;
}

const toRun = (row: OutcomeRow): StoredTestRun => ({
  taskId: row.task_id,
  workItemId: row.work_item_id,
  sha: row.sha,
  configurationId: row.configuration_id,
  outcome: row.outcome,
  attempts: row.attempts,
  durationMs: row.duration_ms,
  message: row.message,
  recorded: row.recorded,
});

/**
 * Per test name: runs, failures, flaky runs (in-run flaky, or failed at a revision and
 * configuration where it also passed) and its newest outcome.
 */
const listSql = (where: string, order: string) => `
  SELECT name, count(*) AS runs,
    sum(outcome = 'failed') AS failed,
    sum(outcome = 'flaky' OR (outcome = 'failed' AND EXISTS (SELECT 1 FROM test_outcomes p
      WHERE p.name = o.name AND p.configuration_id = o.configuration_id AND p.sha IS o.sha
      AND p.outcome IN ('passed', 'flaky')))) AS flaky,
    sum(outcome <> 'skipped') AS ran,
    max(recorded) AS last_recorded,
    max(CASE WHEN outcome IN ('passed', 'flaky') THEN recorded END) AS last_pass,
    (SELECT outcome FROM test_outcomes l WHERE l.name = o.name ORDER BY recorded DESC LIMIT 1) AS last_outcome
  FROM test_outcomes o ${where} GROUP BY name ${order} LIMIT @max`;

interface ListRow {
  name: string;
  runs: number;
  failed: number;
  flaky: number;
  ran: number;
  last_recorded: string;
  last_outcome: TestListEntry['lastOutcome'];
  last_pass: string | null;
}

const toEntry = (row: ListRow): TestListEntry => ({
  name: row.name,
  runs: row.runs,
  failed: row.failed,
  flaky: row.flaky,
  flakyRate: row.ran ? row.flaky / row.ran : 0,
  lastRecorded: row.last_recorded,
  lastOutcome: row.last_outcome,
  lastPass: row.last_pass,
});

/** Test outcome rows. */
export class TestHistoryTable {
  private readonly insertRow: Database.Statement;
  private readonly itemFacts: Database.Statement<[string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.insertRow = db.prepare(
      `INSERT OR REPLACE INTO test_outcomes (work_item_id, name, task_id, project, branch, sha,
         configuration_id, outcome, attempts, duration_ms, message, recorded)
       VALUES (@work_item_id, @name, @task_id, @project, @branch, @sha, @configuration_id, @outcome,
         @attempts, @duration_ms, @message, @recorded)`,
    );
    this.itemFacts = db.prepare(
      `SELECT w.task_id, w.configuration_id, t.project, t.branch, t.sha
       FROM work_items w JOIN tasks t ON t.id = w.task_id WHERE w.id = ?`,
    );
  }

  /** Records the results a work item reported (nothing when it is unknown or reported none). */
  record(workItemId: string, results: readonly TestResult[]): void {
    const facts = this.itemFacts.get(workItemId) as
      | { task_id: string; configuration_id: string; project: string; branch: string; sha: string | null }
      | undefined;
    if (!facts || results.length === 0) return;
    const recorded = this.now().toISOString();
    this.db.transaction(() => {
      for (const result of results) {
        this.insertRow.run({
          ...facts,
          work_item_id: workItemId,
          name: result.name,
          outcome: result.outcome,
          attempts: result.attempts,
          duration_ms: result.durationMs,
          message: result.message ?? null,
          recorded,
        });
      }
    })();
  }

  /** The runs of one test, newest first, at most `max`, each marked flaky or not. */
  runsOf(name: string, max = 1000) {
    const rows = this.db
      .prepare('SELECT * FROM test_outcomes WHERE name = ? ORDER BY recorded DESC, rowid DESC LIMIT ?')
      .all(name, max) as OutcomeRow[];
    return markFlaky(rows.map(toRun));
  }

  /** The outcomes of every test of an integration. */
  outcomesOfTask(taskId: string) {
    const rows = this.db.prepare('SELECT * FROM test_outcomes WHERE task_id = ?').all(taskId) as OutcomeRow[];
    return rows.map((row) => ({ ...toRun(row), name: row.name }));
  }

  /** Tests whose name contains `search` (all when empty), most recently run first. */
  list(search: string, max = 100): TestListEntry[] {
    const where = search ? `WHERE name LIKE @like ESCAPE '\\'` : '';
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = this.db.prepare(listSql(where, 'ORDER BY last_recorded DESC')).all({ like, max });
    return (rows as ListRow[]).map(toEntry);
  }

  /** The flakiest tests (of a project, when given): most flaky runs first, then the highest rate. */
  flakiest(max = 50, project?: string): TestListEntry[] {
    const where = project ? 'WHERE project = @project' : '';
    const sql = listSql(where, 'HAVING flaky > 0 ORDER BY flaky DESC, flaky * 1.0 / ran DESC, name');
    const rows = this.db.prepare(sql).all(project ? { max, project } : { max });
    return (rows as ListRow[]).map(toEntry);
  }
}
