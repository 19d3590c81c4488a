/**
 * What queues an integration of a commit that is already in a local repository (a change source
 * fetched it): the one shape TaskQueue.enqueue takes and the change sources hand over.
 */
import type { JsonObject } from './records';

export interface IntegrationInput {
  project: string;
  branch: string;
  /** The local repository holding the commit. */
  repo: string;
  sha: string;
  /** Where dependencies' checkouts are looked for. */
  searchRoots: string[];
  /** The tested changes as the source described them (runner/core/tested-change.ts). */
  testedChanges: JsonObject[];
  /** Stored with the source (for example the Gerrit build it came from). */
  origin: JsonObject;
  /** The platform configurations by name (default: the instance's first, its default). */
  configs?: string[];
  /** Build only: no test work items (a precheck with `onlybuild`). */
  onlyBuild?: boolean;
}
