/**
 * The rule tester's tables as functions of plain values: for each known `<project>/<branch>`,
 * which parallel_project_rules match it; for each known work item configuration, which
 * sched_rules apply and the SCHED_REQUIREMENTS it gets; each under the edited and the saved
 * configuration, so a change shows where it matters.
 */
import type { KnownConfiguration } from '../../../../electron/common/config-editor-contract';
import type { RuntimeConfig } from '../../../../runner/core/runtime-config/config-schema';
import { matchingParallelRules } from '../../../../runner/core/runtime-config/integration-starts';
import {
  explainSchedRules,
  schedRequirementsFor,
  type WorkItemConfiguration,
} from '../../../../runner/core/runtime-config/sched-rules';

/** One project/branch: the rules matching it now and as saved. */
export interface LaneRow {
  readonly lane: string;
  /** Tasks of it in the history; 0 for one typed in to try. */
  readonly tasks: number;
  readonly matching: readonly string[];
  readonly savedMatching: readonly string[];
  /** Whether a second integration of it may run in parallel changed. */
  readonly changed: boolean;
}

/** The parallel_project_rules tester's rows. */
export function laneRows(
  lanes: readonly { lane: string; tasks: number }[],
  edited: RuntimeConfig,
  saved: RuntimeConfig,
): LaneRow[] {
  return lanes.map(({ lane, tasks }) => {
    const matching = matchingParallelRules(edited.gerrit_monitor, lane);
    const savedMatching = matchingParallelRules(saved.gerrit_monitor, lane);
    return {
      lane,
      tasks,
      matching,
      savedMatching,
      changed: matching.length > 0 !== savedMatching.length > 0,
    };
  });
}

/** One configuration: the rules that apply and the resulting SCHED_REQUIREMENTS, now and as saved. */
export interface ConfigurationRow {
  readonly id: string;
  readonly source: KnownConfiguration['source'] | 'typed in';
  readonly workItems: number;
  /** The attributes sched rules usually read, for the table (`target.os=QNX`). */
  readonly summary: string;
  /** Null when the instance does not tell this configuration's properties. */
  readonly applying: readonly number[] | null;
  readonly requirements: string | undefined;
  readonly savedRequirements: string | undefined;
  readonly changed: boolean;
}

const summaryAttributes = [
  'host.os',
  'host.osVersion',
  'host.arch',
  'target.os',
  'target.osVersion',
  'target.arch',
];

/** `target.os=QNX · features=Sccache,UseConfigure`: the commonly matched attributes that are set. */
export function summarise(properties: WorkItemConfiguration): string {
  const parts = summaryAttributes
    .filter((a) => typeof properties[a] === 'string' && properties[a] !== '')
    .map((a) => `${a}=${String(properties[a])}`);
  const features = properties.features;
  if (Array.isArray(features) && features.length > 0) parts.push(`features=${features.join(',')}`);
  return parts.join(' · ');
}

/** The sched_rules tester's rows. */
export function configurationRows(
  configurations: readonly (Omit<KnownConfiguration, 'source'> & { source: ConfigurationRow['source'] })[],
  edited: RuntimeConfig,
  saved: RuntimeConfig,
): ConfigurationRow[] {
  return configurations.map((c) => {
    if (!c.properties)
      return {
        ...c,
        summary: '',
        applying: null,
        requirements: undefined,
        savedRequirements: undefined,
        changed: false,
      };
    const applying = explainSchedRules(edited, c.properties)
      .filter((r) => r.applies)
      .map((r) => r.index);
    const requirements = schedRequirementsFor(edited, c.properties);
    const savedRequirements = schedRequirementsFor(saved, c.properties);
    return {
      id: c.id,
      source: c.source,
      workItems: c.workItems,
      summary: summarise(c.properties),
      applying,
      requirements,
      savedRequirements,
      changed: requirements !== savedRequirements,
    };
  });
}

/**
 * A configuration typed in to try: `attribute=value` pairs separated by commas, semicolons or new
 * lines; a value with `|` is a list (`features=Sccache|UseConfigure`).
 */
export function parseTriedConfiguration(text: string): WorkItemConfiguration | undefined {
  const entries = text
    .split(/[,;\n]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const cut = part.indexOf('=');
      if (cut <= 0) return undefined;
      const value = part.slice(cut + 1).trim();
      return [part.slice(0, cut).trim(), value.includes('|') ? value.split('|').map((v) => v.trim()) : value];
    });
  if (entries.length === 0 || entries.some((e) => e === undefined)) return undefined;
  return Object.fromEntries(entries as [string, unknown][]);
}
