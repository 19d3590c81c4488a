/**
 * The work_item_plans table: what each work item was planned to run, as fingerprints: a hash of
 * its resolved instructions (with the task id and revision taken out, since they are in every
 * plan) and a hash of its environment (variables, cores, insignificance). "Since green" compares
 * them between two integrations (runner/core/since-green.ts).
 */
import type Database from 'better-sqlite3';
import { sha256Of } from '../file-hash';
import { canonicalJson } from '../../core/build-key';
import type { PlanFingerprint } from '../../core/since-green';
import type { WorkUnit } from '../../core/work-unit';

/** The instructions of a unit as text without what differs in every integration. */
function instructionsText(unit: WorkUnit, taskId: string): string {
  let text: string;
  try {
    text = canonicalJson(unit.instructions);
  } catch {
    text = JSON.stringify(unit.instructions);
  }
  // the revision appears whole and abbreviated (source positions say `owner/repo@<12 digits>`)
  const revision = unit.sha.length >= 7 ? new RegExp(`${unit.sha.slice(0, 7)}[0-9a-f]*`, 'g') : null;
  const withoutTask = text.split(taskId).join('<task>');
  return revision ? withoutTask.replace(revision, '<sha>') : withoutTask;
}

/** Plan fingerprint rows. */
export class WorkItemPlanTable {
  private readonly insertRow: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertRow = db.prepare(
      `INSERT OR REPLACE INTO work_item_plans (work_item_id, task_id, project, kind, configuration_id,
         instructions_hash, environment_hash, instruction_count)
       VALUES (@work_item_id, @task_id, @project, @kind, @configuration_id, @instructions_hash,
         @environment_hash, @instruction_count)`,
    );
  }

  /** Records the fingerprints of a task's planned units. */
  record(taskId: string, units: readonly WorkUnit[]): void {
    this.db.transaction(() => {
      for (const unit of units) {
        const environment = { env: unit.env, cores: unit.cores, insignificant: unit.insignificant };
        this.insertRow.run({
          work_item_id: unit.id,
          task_id: taskId,
          project: unit.project,
          kind: unit.kind,
          configuration_id: unit.configuration,
          instructions_hash: sha256Of(instructionsText(unit, taskId)),
          environment_hash: sha256Of(canonicalJson(environment)),
          instruction_count: unit.instructions.length,
        });
      }
    })();
  }

  /** The fingerprints of a task's work items. */
  ofTask(taskId: string): PlanFingerprint[] {
    const rows = this.db
      .prepare(
        `SELECT project, kind, configuration_id AS configurationId, instructions_hash AS instructionsHash,
           environment_hash AS environmentHash FROM work_item_plans WHERE task_id = ?`,
      )
      .all(taskId);
    return rows as PlanFingerprint[];
  }
}
