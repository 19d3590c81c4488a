/**
 * The changes under test of an integration, as stored in its task's `testedChanges`: one record
 * per change, with what the gerrit_monitor rules read (owner, when it was staged, whether a person
 * restaged it, whether it only touches dependencies.yaml). Built here from plain values; the
 * instance gathers them (runner/node/gerrit/build-queue.ts, runner/node/runtime-config/tested-changes.ts).
 */
import type { ChangeName, ChangeSourceKind, SourceChange, SourceCommit } from './change-source';
import type { JsonObject } from './records';

/** The file whose sole change makes an integration a dependency update. */
export const dependenciesFile = 'dependencies.yaml';

/** True when a commit changes files and all of them are dependencies.yaml (a dependency update). */
export function onlyDependencies(files: readonly string[]): boolean {
  return files.length > 0 && files.every((f) => f === dependenciesFile);
}

/** What every staged change's record says besides its name. */
type StagedFacts = {
  readonly subject: string;
  readonly sha: string;
  /** The owner's e-mail. */
  readonly owner: string;
  readonly onlyDependencies: boolean;
  readonly restagedByHand: boolean;
  /** ISO time. */
  readonly stagedAt: string;
};

/** A Gerrit change of a build (or of refs/staging). */
export type GerritTestedChange = {
  readonly kind: 'gerrit-change';
  readonly change: number;
  readonly patchSet: number;
} & StagedFacts & { readonly url: string | null };

/** A change of a plain git repository's staging ref. */
export type GitTestedChange = { readonly kind: 'git-change'; readonly change: string } & StagedFacts;

/** The one commit of a local integration (`coin integrate`). */
export type LocalTestedChange = {
  readonly kind: 'local-commit';
  readonly sha: string;
  readonly parent: string | null;
  readonly owner: string;
  /** How many files it changes. */
  readonly files: number;
  readonly onlyDependencies: boolean;
  readonly restagedByHand: boolean;
  readonly stagedAt: string;
};

export type TestedChange = GerritTestedChange | GitTestedChange | LocalTestedChange;

/** What the instance found out about a staged commit. */
export interface StagedCommitFacts {
  /** The change as the source listed it before the build (undefined when it did not). */
  readonly change: SourceChange | undefined;
  /** The commit's author e-mail and changed files, from git. */
  readonly author: string;
  readonly files: readonly string[];
  readonly restagedByHand: boolean;
  /** Now (ms): the staged time of a change whose source does not say. */
  readonly now: number;
}

/** The record of a commit of a build or staging ref of a `kind` source. */
export function stagedTestedChange(
  kind: ChangeSourceKind,
  commit: SourceCommit,
  facts: StagedCommitFacts,
): GerritTestedChange | GitTestedChange {
  const common = {
    subject: commit.subject,
    sha: commit.sha,
    owner: facts.change?.owner ?? facts.author,
    onlyDependencies: onlyDependencies(facts.files),
    restagedByHand: facts.restagedByHand,
    stagedAt: new Date(facts.change?.updatedAt ?? facts.now).toISOString(),
  };
  if (kind === 'git') return { kind: 'git-change', change: commit.id, ...common };
  if (commit.number === null || commit.patchSet === null)
    throw new Error(`Gerrit change ${commit.id} has no number or patch set`);
  return {
    kind: 'gerrit-change',
    change: commit.number,
    patchSet: commit.patchSet,
    ...common,
    url: facts.change?.url ?? null,
  };
}

/** The changes named in stored testedChanges records (local commits name none). */
export function testedChangeNames(records: readonly JsonObject[]): ChangeName[] {
  return records.flatMap((c): ChangeName[] => {
    if (typeof c.change === 'number') return [{ id: String(c.change), number: c.change }];
    if (c.kind === 'git-change' && typeof c.change === 'string') return [{ id: c.change, number: null }];
    return [];
  });
}
