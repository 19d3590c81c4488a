/**
 * Audit entries made while no instance runs: the maintenance page is up exactly when the instance
 * is stopped, so turning it on and off cannot go through the instance. Whoever acts (the
 * maintenance process, `coin maintenance --stop`, a starting `coin run`) appends one JSON line to
 * DIR/audit-journal.jsonl; the instance imports the file into its audit trail when it starts,
 * with each entry's own time.
 *
 * The import is crash-safe: the file is first renamed aside (lines appended meanwhile start a new
 * file), its entries go into the audit table in one transaction, and only then is it removed.
 * Each line carries an id that the imported entry keeps in its details (`journalId`), so a file
 * left by an import killed after its commit is not imported twice. Lines that cannot be read (a
 * write cut by a crash) are skipped and counted.
 *
 * This file has the writing side and only node: imports (no zod), so the maintenance process
 * starts fast; audit-journal-import.ts has the instance's side.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditAction, AuditOrigin } from '../../core/instance-api-control';

/** The journal in the working directory. */
export const auditJournalFileName = 'audit-journal.jsonl';
/** A journal being imported is renamed to this (audit-journal-import.ts). */
export const importingSuffix = '.importing';

/** One entry as the journal keeps it. */
export interface JournalEntry {
  journalId: string;
  time: string;
  actor: string;
  origin: AuditOrigin;
  action: AuditAction;
  subject: string;
  details: Record<string, unknown>;
}

/** The journal of a working directory. */
export const auditJournalFile = (workingDir: string) => path.join(workingDir, auditJournalFileName);

/** Append one entry (one write of one line, O_APPEND); returns it. */
export function appendAuditJournal(
  workingDir: string,
  entry: Omit<JournalEntry, 'journalId' | 'time'>,
  now: Date = new Date(),
): JournalEntry {
  const line: JournalEntry = { journalId: randomUUID(), time: now.toISOString(), ...entry };
  appendFileSync(auditJournalFile(workingDir), `${JSON.stringify(line)}\n`, { mode: 0o600 });
  return line;
}
