/**
 * Which work items a module gets on one configuration it accepts: one per phase it declares, in
 * the phases' run order (module-phases.ts), minus what the configuration's Features take away
 * (configuration-verdicts.ts). The runner creates exactly these, and `coin plan` says the same.
 *
 * A TestOnly configuration without a platform dependency has no build at all: its later phases
 * run on the sources (*inferred*: qt5's default.yaml has two such configurations, Features
 * [TestOnly, LicenseCheckV2], on which qtbase's test template runs only the license check).
 */
import type { ModuleConfig } from './coin-files/module-config';
import { phaseKind, phaseStage, type PhaseStage } from './coin-files/module-phases';
import type { PlatformConfiguration } from './coin-files/platform-configs';
import { configurationVerdicts, noTestFeatures } from './configuration-verdicts';

/** One phase of a module on one configuration. */
export interface PhaseWork {
  readonly phase: string;
  /** The work item kind: the phase in lower case (`build`, `test`, `licensecheck`). */
  readonly kind: string;
  readonly stage: PhaseStage;
  /** Why the configuration has no work item of this phase; null when it has one. */
  readonly absent: string | null;
  /** Build of a TestOnly configuration: the configuration whose build its tests use. */
  readonly buildOf: string | null;
  /** A failure of the item does not fail the integration (Insignificant, InsignificantTests). */
  readonly insignificant: boolean;
}

/** The phases of `module` on `config`, in run order, each with its work item or why there is none. */
export function configurationPhases(module: ModuleConfig, config: PlatformConfiguration): PhaseWork[] {
  const verdicts = configurationVerdicts(config.features, config.platformDependency);
  return module.phases.map((phase) => {
    const stage = phaseStage(module.phases, phase);
    const common = { phase, kind: phaseKind(phase), stage, buildOf: null };
    if (phase === 'Build') {
      const buildOf = verdicts.testsBuildOf;
      const sourcesOnly = buildOf === null && config.features.includes('TestOnly');
      const absent = buildOf
        ? `TestOnly: its tests use the build of ${buildOf}`
        : sourcesOnly
          ? 'TestOnly without a platform dependency: no build, later phases run on the sources'
          : null;
      return { ...common, buildOf, absent, insignificant: verdicts.buildInsignificant };
    }
    if (phase === 'Test') {
      const feature = config.features.find((f) => (noTestFeatures as readonly string[]).includes(f));
      return {
        ...common,
        absent: feature === undefined ? null : `${feature}: no test work item`,
        insignificant: verdicts.testInsignificant,
      };
    }
    return { ...common, absent: null, insignificant: verdicts.buildInsignificant };
  });
}
