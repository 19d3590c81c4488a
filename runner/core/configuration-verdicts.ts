/**
 * What a platform configuration's Features do to an integration's work items, as Coin applies
 * them: which items exist, where a test gets its build from, and whose failures count.
 *
 * - `TestOnly` with a `Platform dependency`: no build of its own; its test work item runs on the
 *   build of the configuration it names (that build's artifact and its test artifact).
 * - `DoNotRunTests`, `DisableTests`: no test work item. `DoNotRunTestsButCreateTestWorkItem` keeps
 *   it: qtbase's test template disables its test group for that feature, and the one real
 *   configuration with it (`documentation-warnings`, TestOnly + TestDocs) needs the item to build
 *   the documentation (*inferred* from the files, Coin's source is not public).
 * - `Insignificant`: a failure of any of the configuration's work items does not fail the
 *   integration; the item ends Insignificant. `InsignificantTests`: the same for its test item only.
 */

export interface ConfigurationVerdicts {
  /** The configuration whose build its test uses instead of building (TestOnly), or null. */
  readonly testsBuildOf: string | null;
  /** False when the configuration creates no test work item. */
  readonly runsTests: boolean;
  /** Failures of its build work item(s) do not fail the integration. */
  readonly buildInsignificant: boolean;
  /** Failures of its test work item do not fail the integration. */
  readonly testInsignificant: boolean;
}

/** Features that remove the test work item. */
export const noTestFeatures = ['DoNotRunTests', 'DisableTests'] as const;

/** The verdicts of a configuration with `features` and `platformDependency` (Ids). */
export function configurationVerdicts(
  features: readonly string[],
  platformDependency: readonly string[],
): ConfigurationVerdicts {
  const has = (feature: string) => features.includes(feature);
  const insignificant = has('Insignificant');
  return {
    testsBuildOf: has('TestOnly') && platformDependency.length > 0 ? platformDependency[0]! : null,
    runsTests: !noTestFeatures.some(has),
    buildInsignificant: insignificant,
    testInsignificant: insignificant || has('InsignificantTests'),
  };
}
