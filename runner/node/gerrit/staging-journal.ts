/**
 * Where the staging workflow says what it does: the instance log, and the instance's event log
 * (`<source>.connected`, `<source>.build`, `<source>.approved`, ...: stored, pushed to dashboards).
 */
import type { Logger } from 'pino';
import type { ChangeSourceKind } from '../../core/change-source';
import type { SqliteStore } from '../store/sqlite-store';
import type { JsonObject } from '../store/store-records';

export class StagingJournal {
  constructor(
    private readonly store: SqliteStore,
    readonly log: Logger,
    /** The source's kind: the prefix of messages and event kinds (`gerrit: ...`, `gerrit.build`). */
    readonly name: ChangeSourceKind,
    private readonly stopping: () => boolean,
  ) {}

  /** Store event `<name>.<kind>` (not once the instance stops: the store is closing). */
  record(kind: string, subject: string, payload: JsonObject): void {
    if (this.stopping()) return;
    try {
      this.store.appendEvent(`${this.name}.${kind}`, subject, payload);
    } catch {
      // the store is closing
    }
  }
}

/** For people: what an error says. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
