/**
 * The audit_log table: every mutating action people take on an instance (cancel, re-run, retry,
 * dequeue, priority, artifact invalidation, GC, configuration save and rollback, maintenance on
 * and off), with who, when, from where and what. Rows are only ever appended; recording one also
 * appends an `audit.recorded` event in the same transaction, so dashboards see it live.
 */
import type Database from 'better-sqlite3';
import type { AuditAction, AuditEntry, AuditOrigin, AuditQuery } from '../../core/instance-api-control';
import type { EventLog } from './event-log';

/** What record() needs. */
export interface NewAuditEntry {
  readonly actor: string;
  readonly origin: AuditOrigin;
  readonly action: AuditAction;
  readonly subject: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** When it happened, if not now (an entry imported from the audit journal, audit-journal.ts). */
  readonly time?: string;
}

interface AuditRow {
  id: number;
  time: string;
  actor: string;
  origin: AuditOrigin;
  action: AuditAction;
  subject: string;
  details: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
}

/** Audit rows; record() runs inside the caller's transaction. */
export class AuditTable {
  private readonly insertRow: Database.Statement;
  private readonly journalRow: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventLog,
    private readonly now: () => Date,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO audit_log (time, actor, origin, action, subject, details)
       VALUES (@time, @actor, @origin, @action, @subject, @details)`,
    );
    this.journalRow = db.prepare(
      `SELECT 1 FROM audit_log WHERE json_extract(details, '$.journalId') = ? LIMIT 1`,
    );
  }

  /** True when the journal entry `journalId` was imported already. */
  hasJournalEntry(journalId: string): boolean {
    return this.journalRow.get(journalId) !== undefined;
  }

  /** Appends one entry and its event; returns it. */
  record(entry: NewAuditEntry): AuditEntry {
    const row = {
      time: entry.time ?? this.now().toISOString(),
      actor: entry.actor,
      origin: entry.origin,
      action: entry.action,
      subject: entry.subject,
      details: JSON.stringify(entry.details ?? {}),
    };
    const id = Number(this.insertRow.run(row).lastInsertRowid);
    this.events.append('audit.recorded', entry.subject, {
      id,
      actor: entry.actor,
      origin: entry.origin,
      action: entry.action,
    });
    return toEntry({ id, ...row });
  }

  /** Entries newest first, optionally of one subject or action. */
  list(query: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { max: Math.min(Math.max(query.max ?? 200, 1), 5000) };
    if (query.subject) {
      where.push('subject = @subject');
      params.subject = query.subject;
    }
    if (query.action) {
      where.push('action = @action');
      params.action = query.action;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT @max`)
      .all(params) as AuditRow[];
    return rows.map(toEntry);
  }
}

/**
 * Audit an applied runtime-configuration version (a save, or a rollback: its `via` says so) in the
 * transaction that records it; returns the version. The instance's own first reading is no action.
 */
export function auditConfigVersion<V extends { version: number; appliedBy: string; via: string }>(
  audit: AuditTable,
  applied: V,
): V {
  if (applied.via === 'instance start') return applied;
  const origin: AuditOrigin = applied.via.startsWith('coin config')
    ? 'cli'
    : applied.via === 'desktop editor'
      ? 'app'
      : 'instance';
  audit.record({
    actor: applied.appliedBy,
    origin,
    action: /rollback/.test(applied.via) ? 'config-rollback' : 'config-save',
    subject: 'runtime-config',
    details: { version: applied.version, via: applied.via },
  });
  return applied;
}
