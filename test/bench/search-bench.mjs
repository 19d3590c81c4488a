#!/usr/bin/env node
// Task search benchmark (issue 14). Not part of npm test: run `node test/bench/search-bench.mjs`.
// Stores 100,000 integrations (each with two work items; one in four failed with a reason) in a
// real SQLite store, through SQL inserts so the schema's triggers fill the search index as they
// do for the runner, then times each kind of search (a page of 100 and the total count, what the
// dashboard and `coin tasks --search` ask for) against the baseline: an indexed lookup of one task
// by its id in the same store. Prints the median time of each and its ratio to the baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { register } from 'tsx/esm/api';

register();
const { SqliteStore } = await import('../../runner/node/store/sqlite-store.ts');

const taskCount = Number(process.env.TASKS ?? 100_000);
const runs = 25;
const projects = ['qt/qtbase', 'qt/qtdeclarative', 'qt/qtsvg', 'qt/qttools', 'qt/qtmultimedia', 'qt/qt5'];
const branches = ['dev', '6.8', '6.9', '6.10'];
const reasons = [
  'undefined reference to QString::arg(int)',
  'tst_qfile::copy() failed: exit code 1',
  'no agent: the hypervisor has no free host',
  'cmake: Could NOT find OpenGL',
  'timeout: no output for 900 s while running ctest',
];
const sha = (i) => ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(5);

function fill(file) {
  const db = new Database(file);
  // a benchmark's data need not survive a crash: write it fast, then measure the store as it is
  db.pragma('synchronous = OFF');
  const start = Date.parse('2024-01-01T00:00:00Z');
  const task = db.prepare(`INSERT INTO tasks (id, type, project, branch, sha, tested_changes, state, created,
    started, finished, source, result_reason) VALUES (?, 'Integration', ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)`);
  const item = db.prepare(`INSERT INTO work_items (id, task_id, kind, configuration_id, state, created,
    started, finished, failure_reason, failure_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < taskCount; i++) {
      const id = `task-${String(i).padStart(6, '0')}`;
      const created = new Date(start + i * 60_000).toISOString();
      const done = new Date(start + i * 60_000 + 1_800_000).toISOString();
      const failed = i % 4 === 3;
      const reason = failed ? reasons[i % reasons.length] : null;
      const changes = JSON.stringify([
        { kind: 'gerrit-change', change: 400_000 + i, patchSet: 1, subject: `Change ${i}` },
      ]);
      task.run(
        id,
        projects[i % projects.length],
        branches[i % branches.length],
        sha(i),
        changes,
        failed ? 'Failed' : 'Passed',
        created,
        created,
        done,
        reason && `build linux: ${reason}`,
      );
      item.run(
        `${id}-b`,
        id,
        'build',
        'linux-gcc',
        failed ? 'Failed' : 'Done',
        created,
        created,
        done,
        reason,
        failed ? 'build' : null,
      );
      item.run(
        `${id}-t`,
        id,
        'test',
        'linux-gcc',
        failed ? 'Cancelled' : 'Done',
        created,
        created,
        done,
        null,
        null,
      );
    }
  })();
  db.close();
}

function median(fn) {
  const times = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'coin-search-bench-'));
try {
  SqliteStore.open(dir).close(); // creates the schema
  const t0 = performance.now();
  fill(path.join(dir, 'coin.db'));
  console.log(
    `stored ${taskCount.toLocaleString('en')} tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const store = SqliteStore.open(dir);
  const search = store.history.search;
  let n = 0;
  const baseline = median(() => search.lookup(`task-${String(n++ % taskCount).padStart(6, '0')}`));
  console.log(`baseline: one task by id  ${baseline.toFixed(3)} ms`);
  const queries = {
    'project part + state': { project: 'qtdecl', state: 'Failed' },
    'failure text': { failure: 'QString::arg' },
    'failure text, rare': { failure: 'OpenGL', branch: '6.9' },
    'any text': { text: 'tst_qfile' },
    'sha prefix': { sha: sha(77_777).slice(0, 10) },
    change: { change: String(400_000 + 54_321) },
    'date range + state': { after: '2024-02-01T00:00:00Z', before: '2024-02-08T00:00:00Z', state: 'Failed' },
    'everything together': {
      project: 'qtbase',
      branch: 'dev',
      state: 'Failed',
      failure: 'reference',
      after: '2024-01-15T00:00:00Z',
    },
    'no filter (page 1 and the count)': {},
  };
  for (const [name, query] of Object.entries(queries)) {
    const page = search.search({ ...query, max: 100 });
    const time = median(() => search.search({ ...query, max: 100 }));
    const line = `${name.padEnd(34)} ${time.toFixed(2).padStart(8)} ms  ${(time / baseline).toFixed(0).padStart(6)}x the lookup  (${page.total} match)`;
    console.log(line);
  }
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
