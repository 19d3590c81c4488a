/**
 * The instance's side of the audit journal (audit-journal.ts): at start, its entries join the
 * audit trail with their own times. Crash-safe as audit-journal.ts says: renamed aside, imported
 * in one transaction, then removed; entries already imported (by their journalId) are skipped.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { auditActions, auditOrigins } from '../../core/instance-api-control';
import type { AuditTable } from './audit-table';
import { auditJournalFile, importingSuffix, type JournalEntry } from './audit-journal';

function parseLine(text: string): JournalEntry | undefined {
  try {
    const v = JSON.parse(text) as Partial<JournalEntry>;
    const ok =
      typeof v.journalId === 'string' &&
      typeof v.time === 'string' &&
      !Number.isNaN(Date.parse(v.time)) &&
      typeof v.actor === 'string' &&
      typeof v.subject === 'string' &&
      (auditOrigins as readonly unknown[]).includes(v.origin) &&
      (auditActions as readonly unknown[]).includes(v.action) &&
      typeof v.details === 'object' &&
      v.details !== null;
    return ok ? (v as JournalEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** The entries of a journal file in order, and how many lines could not be read. */
export function readAuditJournal(file: string): { entries: JournalEntry[]; unreadable: number } {
  if (!existsSync(file)) return { entries: [], unreadable: 0 };
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const entries = lines.map(parseLine).filter((e): e is JournalEntry => e !== undefined);
  return { entries, unreadable: lines.length - entries.length };
}

/** What the store offers the import. */
export interface JournalTarget {
  audit: AuditTable;
  transaction<T>(fn: () => T): T;
}

/**
 * Move the journal of `workingDir` into the audit trail (call it once no maintenance server runs,
 * at the instance's start). Returns how many entries were added and how many lines were skipped.
 */
export function importAuditJournal(
  workingDir: string,
  store: JournalTarget,
): { imported: number; unreadable: number } {
  const file = auditJournalFile(workingDir);
  const aside = `${file}${importingSuffix}`;
  // An import killed before its end left `aside`: it goes first, then what came after it.
  let imported = 0;
  let unreadable = 0;
  for (const round of [0, 1]) {
    if (round === 1 || !existsSync(aside)) {
      if (!existsSync(file)) continue;
      renameSync(file, aside);
    }
    const read = readAuditJournal(aside);
    unreadable += read.unreadable;
    imported += store.transaction(() => {
      let added = 0;
      for (const entry of read.entries) {
        if (store.audit.hasJournalEntry(entry.journalId)) continue;
        const { journalId, ...rest } = entry;
        store.audit.record({ ...rest, details: { ...rest.details, journalId } });
        added += 1;
      }
      return added;
    });
    rmSync(aside, { force: true });
  }
  return { imported, unreadable };
}

/** Import at the instance's start, logging what came of it; never throws (the file is kept then). */
export function importAuditJournalAtStart(
  workingDir: string,
  store: JournalTarget,
  log: { info(message: string): void; warn(message: string): void },
): void {
  try {
    const { imported, unreadable } = importAuditJournal(workingDir, store);
    if (imported) log.info(`imported ${imported} audit entries made while the instance was stopped`);
    if (unreadable) log.warn(`${unreadable} lines of the audit journal could not be read and were skipped`);
  } catch (error) {
    log.warn(
      `the audit journal could not be imported (kept for the next start): ${(error as Error).message}`,
    );
  }
}
