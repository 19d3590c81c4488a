/**
 * The SQLite schema as an ordered list of migrations; PRAGMA user_version records how many have
 * run. Migrations are frozen once released: a change is a new entry at the end, never an edit.
 */
import type Database from 'better-sqlite3';

/** Migration i (0-based) brings user_version from i to i + 1. */
export const migrations: readonly string[] = [
  `
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL
      CHECK (type IN ('Integration', 'StatusCheck', 'EarlyWarning', 'CreateDebugVm', 'HealthCheck')),
    project TEXT NOT NULL,
    branch TEXT NOT NULL,
    sha TEXT,
    tested_changes TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL
      CHECK (state IN ('Initializing', 'Running', 'Passed', 'Failed', 'Cancelled', 'Insignificant')),
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    source TEXT NOT NULL DEFAULT '{}',
    result_reason TEXT
  );
  CREATE INDEX tasks_by_created ON tasks (created);
  CREATE INDEX tasks_by_project ON tasks (project, branch, created);
  CREATE INDEX tasks_by_state ON tasks (state);

  CREATE TABLE work_items (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('provision', 'build', 'test')),
    configuration_id TEXT NOT NULL,
    build_key TEXT,
    depends_on TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL
      CHECK (state IN ('Queued', 'Running', 'Done', 'Failed', 'Cancelled', 'Insignificant')),
    reused INTEGER NOT NULL DEFAULT 0 CHECK (reused IN (0, 1)),
    agent_id TEXT,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    failure_reason TEXT,
    failure_kind TEXT CHECK (failure_kind IN ('system', 'build', 'test'))
  );
  CREATE INDEX work_items_by_task ON work_items (task_id);
  CREATE INDEX work_items_by_build_key ON work_items (build_key, state);
  CREATE INDEX work_items_by_state ON work_items (state);

  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    hypervisor TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'provisioning', 'running', 'stopping', 'stopped')),
    work_item_id TEXT,
    host TEXT,
    pid INTEGER,
    started TEXT NOT NULL,
    updated TEXT NOT NULL
  );

  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX events_by_subject ON events (subject, seq);

  CREATE TABLE artifacts (
    key TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL,
    created TEXT NOT NULL,
    last_used TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    verified_stat TEXT
  );
  CREATE INDEX artifacts_by_last_used ON artifacts (last_used);
  CREATE INDEX artifacts_by_sha256 ON artifacts (sha256);

  CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  INSERT INTO meta (name, value) VALUES ('artifact_epoch', '1');
  `,
  // Every applied version of coin_configuration.json (runner/node/store/config-history-table.ts).
  `
  CREATE TABLE config_versions (
    version INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    applied_by TEXT NOT NULL,
    via TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    config TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]',
    diff TEXT NOT NULL DEFAULT ''
  );
  `,
  // Where an artifact's contents belong in a work area, relative to the agent's working directory
  // (runner/core/artifact-mount.ts): '.' for Qt's InstallRoot/AgentWorkingDir uploads, 'install'
  // for an upload of {{.InstallDir}} itself. Artifacts stored before this knew only '.'.
  `
  ALTER TABLE artifacts ADD COLUMN mount TEXT NOT NULL DEFAULT '.';
  `,
  // Work item kinds are the module's phases (runner/core/coin-files/module-phases.ts): build,
  // test, or another declared phase in lower case (qtqa's LicenseCheck is 'licensecheck'); the
  // never-created 'provision' kind is gone from the model. SQLite cannot change a CHECK in place,
  // so the table is rebuilt with its rows (rowid kept: work items of a task are read in rowid
  // order) and its indexes. The tasks table keeps its wider type CHECK: rebuilding it would
  // cascade-delete work items under foreign keys, and the code writes only 'Integration'.
  `
  CREATE TABLE work_items_rebuilt (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind <> '' AND kind NOT GLOB '*[^a-z0-9]*'),
    configuration_id TEXT NOT NULL,
    build_key TEXT,
    depends_on TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL
      CHECK (state IN ('Queued', 'Running', 'Done', 'Failed', 'Cancelled', 'Insignificant')),
    reused INTEGER NOT NULL DEFAULT 0 CHECK (reused IN (0, 1)),
    agent_id TEXT,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    failure_reason TEXT,
    failure_kind TEXT CHECK (failure_kind IN ('system', 'build', 'test'))
  );
  INSERT INTO work_items_rebuilt (rowid, id, task_id, kind, configuration_id, build_key, depends_on,
      state, reused, agent_id, created, started, finished, failure_reason, failure_kind)
    SELECT rowid, id, task_id, kind, configuration_id, build_key, depends_on, state, reused,
      agent_id, created, started, finished, failure_reason, failure_kind
    FROM work_items;
  DROP TABLE work_items;
  ALTER TABLE work_items_rebuilt RENAME TO work_items;
  CREATE INDEX work_items_by_task ON work_items (task_id);
  CREATE INDEX work_items_by_build_key ON work_items (build_key, state);
  CREATE INDEX work_items_by_state ON work_items (state);
  `,
  // Task search (runner/node/store/task-search.ts): indexes for the exact filters, and a trigram
  // full-text index of what people search by part (project, branch, tested changes, and the failure
  // text of the task and its work items), kept by triggers so every writer keeps it right. Its
  // rowid is the task's rowid (nothing VACUUMs this database, which could renumber them).
  // Test history (test-history-table.ts): one row per test case a work item reported. Work item
  // plans: what each work item ran (instruction and environment hashes), for "since green".
  `
  CREATE INDEX tasks_by_sha ON tasks (sha);
  CREATE INDEX tasks_by_state_created ON tasks (state, created);
  CREATE INDEX tasks_by_type_created ON tasks (type, created);
  CREATE VIRTUAL TABLE task_search USING fts5(
    project, branch, changes, failure, tokenize = 'trigram case_sensitive 0'
  );
  CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO task_search (rowid, project, branch, changes, failure)
    VALUES (new.rowid, new.project, new.branch,
      coalesce((SELECT group_concat(coalesce(json_extract(value, '$.change'), '') || ' ' ||
        coalesce(json_extract(value, '$.subject'), ''), ' ') FROM json_each(new.tested_changes)), ''),
      coalesce(new.result_reason, ''));
  END;
  CREATE TRIGGER task_search_reason AFTER UPDATE OF result_reason ON tasks
  WHEN new.result_reason IS NOT old.result_reason BEGIN
    UPDATE task_search SET failure = coalesce(new.result_reason, '') || coalesce((SELECT ' ' ||
      group_concat(failure_reason, ' ') FROM work_items WHERE task_id = new.id), '')
    WHERE rowid = new.rowid;
  END;
  CREATE TRIGGER task_search_item AFTER UPDATE OF failure_reason ON work_items
  WHEN new.failure_reason IS NOT old.failure_reason BEGIN
    UPDATE task_search SET failure = (SELECT coalesce(t.result_reason, '') FROM tasks t
      WHERE t.id = new.task_id) || coalesce((SELECT ' ' || group_concat(failure_reason, ' ')
      FROM work_items WHERE task_id = new.task_id), '')
    WHERE rowid = (SELECT rowid FROM tasks WHERE id = new.task_id);
  END;
  CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
    DELETE FROM task_search WHERE rowid = old.rowid;
  END;
  INSERT INTO task_search (rowid, project, branch, changes, failure)
    SELECT t.rowid, t.project, t.branch,
      coalesce((SELECT group_concat(coalesce(json_extract(value, '$.change'), '') || ' ' ||
        coalesce(json_extract(value, '$.subject'), ''), ' ') FROM json_each(t.tested_changes)), ''),
      coalesce(t.result_reason, '') || coalesce((SELECT ' ' || group_concat(failure_reason, ' ')
        FROM work_items WHERE task_id = t.id), '')
    FROM tasks t;
  CREATE INDEX work_items_by_run ON work_items (configuration_id, kind, finished);

  CREATE TABLE test_outcomes (
    work_item_id TEXT NOT NULL,
    name TEXT NOT NULL,
    task_id TEXT NOT NULL,
    project TEXT NOT NULL,
    branch TEXT NOT NULL,
    sha TEXT,
    configuration_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('passed', 'failed', 'flaky', 'skipped')),
    attempts INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    message TEXT,
    recorded TEXT NOT NULL,
    PRIMARY KEY (work_item_id, name)
  );
  CREATE INDEX test_outcomes_by_name ON test_outcomes (name, recorded);
  CREATE INDEX test_outcomes_by_revision ON test_outcomes (name, configuration_id, sha, outcome);
  CREATE INDEX test_outcomes_by_task ON test_outcomes (task_id);

  CREATE TABLE work_item_plans (
    work_item_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    project TEXT NOT NULL,
    kind TEXT NOT NULL,
    configuration_id TEXT NOT NULL,
    instructions_hash TEXT NOT NULL,
    environment_hash TEXT NOT NULL,
    instruction_count INTEGER NOT NULL
  );
  CREATE INDEX work_item_plans_by_task ON work_item_plans (task_id);
  `,
  // Integration control (task-control-table.ts): a queued task's priority, and who asked to cancel
  // a task and why, written before the cancel is carried out so a restart can finish it. The audit
  // trail (audit-table.ts): every mutating action with who, when, from where and what.
  `
  CREATE TABLE task_controls (
    task_id TEXT PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    priority INTEGER NOT NULL DEFAULT 0,
    cancel_requested TEXT,
    cancelled_by TEXT,
    cancel_origin TEXT,
    cancel_reason TEXT
  );
  CREATE INDEX task_controls_pending_cancel ON task_controls (cancel_requested)
    WHERE cancel_requested IS NOT NULL;

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    origin TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
  `,
  // Health (health-table.ts): every run of the checks the instance makes on itself, its schedule's
  // and those asked for, kept 90 days, for the trends the app draws.
  `
  CREATE TABLE health_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    checked_at TEXT NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'request')),
    overall TEXT NOT NULL,
    ms INTEGER NOT NULL,
    checks TEXT NOT NULL
  );
  CREATE INDEX health_runs_by_time ON health_runs (checked_at);
  `,
  // The batch times of finished short logs (log-times-table.ts); a long log's are in its file.
  `
  CREATE TABLE log_times (
    work_item_id TEXT PRIMARY KEY REFERENCES work_items (id) ON DELETE CASCADE,
    records BLOB NOT NULL
  ) WITHOUT ROWID;
  `,
  // No query reads events by subject (clients follow them by seq), and the index cost about a
  // fifth of appending an event (0.9 of 4.3 us, measured: docs/performance.md, 2026-12-08).
  `
  DROP INDEX events_by_subject;
  `,
];

/** The schema version this code writes. */
export const schemaVersion = migrations.length;

/**
 * Brings the database up to schemaVersion, each migration in its own transaction together with
 * its user_version bump. Refuses a database written by a newer Coin rather than guessing.
 */
export function migrateSchema(db: Database.Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > schemaVersion) {
    throw new Error(
      `${db.name} has schema version ${from} but this Coin knows only up to ${schemaVersion}: ` +
        'run a newer Coin, or move the database away to start empty',
    );
  }
  for (let version = from; version < schemaVersion; version++) {
    db.transaction(() => {
      db.exec(migrations[version]);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return { from, to: schemaVersion };
}
