/**
 * Task search (GET api/search/tasks, `coin tasks --search`): every filter of the task list at
 * once, answered from indexes on 100,000 tasks. Exact filters use the tasks indexes (state, type,
 * created, sha); what is matched by part (project, branch, tested changes, failure text) uses the
 * trigram full-text table `task_search` the schema's triggers keep (schema.ts). Words shorter than
 * a trigram fall back to LIKE on that table, which still reads one small table, never the logs.
 */
import type Database from 'better-sqlite3';
import type { TaskSearchQuery } from '../../core/instance-api-history';
import type { TaskPage } from './store-records';
import { toTask, type TaskRow } from './task-table';

type Params = Record<string, string | number>;

/** An FTS5 phrase of `word` (quotes doubled): matches it anywhere, ignoring case. */
const phrase = (word: string) => `"${word.replace(/"/g, '""')}"`;
const likeAny = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const textColumns = ['project', 'branch', 'changes', 'failure'] as const;

/** A search split in two: what the full-text table answers and what the tasks table does. */
interface SearchPlan {
  /** FTS5 query parts, ANDed into one MATCH (FTS5 answers one MATCH per scan best). */
  match: string[];
  /** Conditions on the full-text table `s` (LIKE for words shorter than a trigram). */
  text: string[];
  /** Conditions on the tasks table `t`. */
  task: string[];
  params: Params;
}

/** Adds the conditions of `text` in `column` (or any column) to the plan. */
function addText(plan: SearchPlan, column: string | null, text: string, name: string): void {
  const words = text.split(/\s+/).filter(Boolean);
  const long = words.filter((w) => [...w].length >= 3);
  const short = words.filter((w) => [...w].length < 3);
  if (long.length) {
    const query = long.map(phrase).join(' ');
    plan.match.push(column ? `{${column}} : (${query})` : `(${query})`);
  }
  short.forEach((word, i) => {
    const key = `${name}_${i}`;
    plan.params[key] = likeAny(word);
    const columns = column ? [column] : textColumns;
    plan.text.push(`(${columns.map((c) => `s.${c} LIKE @${key} ESCAPE '\\'`).join(' OR ')})`);
  });
}

/** The conditions of a search and their parameters. */
function searchPlan(q: TaskSearchQuery): SearchPlan {
  const plan: SearchPlan = { match: [], text: [], task: [], params: {} };
  const { task, params } = plan;
  for (const [key, value] of [
    ['state', q.state],
    ['type', q.type],
  ] as const) {
    if (value === undefined) continue;
    task.push(`t.${key} = @${key}`);
    params[key] = value;
  }
  for (const [key, op] of [
    ['after', '>'],
    ['before', '<'],
  ] as const) {
    const value = q[key];
    if (value === undefined) continue;
    task.push(`t.created ${op} @${key}`);
    params[key] = new Date(value).toISOString();
  }
  if (q.sha) {
    task.push('t.sha GLOB @sha');
    params.sha = `${q.sha.toLowerCase()}*`;
  }
  if (q.project) addText(plan, 'project', q.project, 'project');
  if (q.branch) addText(plan, 'branch', q.branch, 'branch');
  if (q.failure) addText(plan, 'failure', q.failure, 'failure');
  if (q.text) addText(plan, null, q.text, 'text');
  if (q.change) {
    addText(plan, 'changes', q.change, 'changes');
    // the text match finds candidates; the change must be one of them exactly (1234 is not 12345)
    task.push(
      `EXISTS (SELECT 1 FROM json_each(t.tested_changes) c WHERE CAST(json_extract(c.value, '$.change') AS TEXT) = @change)`,
    );
    params.change = q.change.trim();
  }
  if (plan.match.length) params.match = plan.match.join(' AND ');
  return plan;
}

const where = (conditions: readonly string[]) =>
  conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';

/** Reads the tasks table with the search's filters. */
export class TaskSearch {
  constructor(private readonly db: Database.Database) {}

  /**
   * A page of matching tasks, newest first, and how many match in all. A search by text alone
   * walks the full-text matches from the newest task back (rowids grow as tasks are queued) and
   * reads only the tasks it shows, and counts in the full-text table; with filters of the tasks
   * table too, the text matches are a set those filters narrow.
   */
  search(query: TaskSearchQuery): TaskPage {
    const plan = searchPlan(query);
    const page = { start: query.start ?? 0, max: query.max ?? 100 };
    const byText = plan.match.length > 0 || plan.text.length > 0;
    const textConditions = [...(plan.match.length ? ['s.task_search MATCH @match'] : []), ...plan.text];
    const all = where([...textConditions, ...plan.task]);
    const matches = `t.rowid IN (SELECT s.rowid FROM task_search s ${where(textConditions)})`;
    const [countSql, pageSql] = !byText
      ? [
          `SELECT count(*) AS n FROM tasks t ${all}`,
          `SELECT t.* FROM tasks t ${all} ORDER BY t.created DESC, t.rowid DESC LIMIT @max OFFSET @start`,
        ]
      : plan.task.length
        ? // with filters of the tasks table, the matches are a set those filters narrow
          [
            `SELECT count(*) AS n FROM tasks t ${where([matches, ...plan.task])}`,
            `SELECT t.* FROM tasks t ${where([matches, ...plan.task])}
             ORDER BY t.rowid DESC LIMIT @max OFFSET @start`,
          ]
        : [
            `SELECT count(*) AS n FROM task_search s ${where(textConditions)}`,
            `SELECT t.* FROM task_search s JOIN tasks t ON t.rowid = s.rowid ${all}
             ORDER BY s.rowid DESC LIMIT @max OFFSET @start`,
          ];
    const total = this.db.prepare(countSql).get(plan.params) as { n: number };
    const rows = this.db.prepare(pageSql).all({ ...plan.params, ...page }) as TaskRow[];
    return { total: total.n, start: page.start, tasks: rows.map(toTask) };
  }

  /** One task by id through the primary key: the baseline the search benchmark compares with. */
  lookup(id: string): TaskRow | undefined {
    return this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
  }
}
