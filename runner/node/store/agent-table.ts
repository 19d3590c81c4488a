/** The agents table: machines that run work items, with checked state changes. */
import type Database from 'better-sqlite3';
import { nextAgentState, type AgentState } from '../../core/model';
import type { EventLog } from './event-log';
import type { AgentRecord, AgentUpsert } from './store-records';

interface AgentRow {
  id: string;
  hypervisor: string;
  state: AgentState;
  work_item_id: string | null;
  host: string | null;
  pid: number | null;
  started: string;
  updated: string;
}

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    hypervisor: row.hypervisor,
    state: row.state,
    workItemId: row.work_item_id,
    host: row.host,
    pid: row.pid,
    started: row.started,
    updated: row.updated,
  };
}

/** Agent rows; every method runs inside the caller's transaction. */
export class AgentTable {
  private readonly selectOne: Database.Statement<[string], AgentRow>;
  private readonly insertRow: Database.Statement;
  private readonly updateRow: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventLog,
    private readonly now: () => Date,
  ) {
    this.selectOne = db.prepare('SELECT * FROM agents WHERE id = ?');
    this.insertRow = db.prepare(
      `INSERT INTO agents (id, hypervisor, state, work_item_id, host, pid, started, updated)
       VALUES (@id, @hypervisor, @state, @work_item_id, @host, @pid, @time, @time)`,
    );
    this.updateRow = db.prepare(
      `UPDATE agents SET hypervisor = @hypervisor, state = @state, work_item_id = @work_item_id,
       host = @host, pid = @pid, updated = @time WHERE id = @id`,
    );
  }

  /** The agent, or undefined. */
  get(id: string): AgentRecord | undefined {
    const row = this.selectOne.get(id);
    return row && toAgent(row);
  }

  /**
   * Creates the agent (state defaults to provisioning) or updates its hypervisor, host, pid and
   * work item. A state different from the stored one is applied as a checked transition.
   */
  upsert(agent: AgentUpsert): AgentRecord {
    const existing = this.get(agent.id);
    const time = this.now().toISOString();
    if (existing && agent.state !== undefined && agent.state !== existing.state) {
      nextAgentState(existing.state, agent.state);
    }
    const row = {
      id: agent.id,
      hypervisor: agent.hypervisor,
      state: agent.state ?? existing?.state ?? 'provisioning',
      work_item_id: agent.workItemId === undefined ? (existing?.workItemId ?? null) : agent.workItemId,
      host: agent.host === undefined ? (existing?.host ?? null) : agent.host,
      pid: agent.pid === undefined ? (existing?.pid ?? null) : agent.pid,
      time,
    };
    (existing ? this.updateRow : this.insertRow).run(row);
    const updated = this.get(agent.id) as AgentRecord;
    this.events.append(existing ? 'agent.updated' : 'agent.created', agent.id, { ...updated });
    return updated;
  }

  /** Moves an agent to a new state (illegal moves throw); a stopped agent holds no work item. */
  setState(id: string, to: AgentState, workItemId?: string | null): AgentRecord {
    const agent = this.get(id);
    if (!agent) throw new Error(`no agent ${id}`);
    nextAgentState(agent.state, to);
    const item = to === 'stopped' ? null : workItemId === undefined ? agent.workItemId : workItemId;
    const time = this.now().toISOString();
    this.updateRow.run({ ...this.toRow(agent), state: to, work_item_id: item, time });
    this.events.append('agent.state', id, { from: agent.state, to, workItemId: item });
    // the record as written (read back, it would be the same)
    return { ...agent, state: to, workItemId: item, updated: time };
  }

  /** Agents, optionally only those in the given states, oldest first. */
  list(states?: readonly AgentState[]): AgentRecord[] {
    const where = states ? `WHERE state IN (${states.map(() => '?').join(', ')})` : '';
    const rows = this.db
      .prepare(`SELECT * FROM agents ${where} ORDER BY started, rowid`)
      .all(...(states ?? []));
    return (rows as AgentRow[]).map(toAgent);
  }

  private toRow(agent: AgentRecord): Record<string, unknown> {
    return {
      id: agent.id,
      hypervisor: agent.hypervisor,
      work_item_id: agent.workItemId,
      host: agent.host,
      pid: agent.pid,
    };
  }
}
