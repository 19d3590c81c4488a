/** A work item as the instance runs it: what the store keeps plus what the agent needs. */
import type { InputArtifact } from './agent-protocol';
import type { WorkItemKind } from './model';
import type { PlannedInstruction } from './planned-instruction';

export interface WorkUnit {
  /** Deterministic from the task and what it does, so a re-planned task finds its finished items. */
  id: string;
  /** The phase it runs: build, test, or another phase of the module in lower case (model.ts). */
  kind: WorkItemKind;
  project: string;
  repoPath: string;
  sha: string;
  configuration: string;
  instructions: PlannedInstruction[];
  env: Record<string, string>;
  dependsOn: string[];
  /** Build work items only: the key its artifact is stored under. */
  buildKey: string | null;
  /** Where checkouts of other projects are looked for (InstallSourceArchive, dependencies). */
  searchRoots: readonly string[];
  /** The module's machine_type cores for this phase, or null when it names none. */
  cores: number | null;
  /** A failure ends the item Insignificant and does not fail the integration (configuration-verdicts.ts). */
  insignificant: boolean;
  /** Artifacts (by build key) to unpack before the instructions run, or to install on request. */
  inputs: Omit<InputArtifact, 'url'>[];
}

/** Artifact keys of a build work item by transfer type: the module build itself is the build key. */
export function artifactKeyFor(buildKey: string, transferType: string): string {
  return transferType === 'UploadModuleBuildArtifact' ? buildKey : `${buildKey}.${transferType}`;
}
