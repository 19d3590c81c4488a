/**
 * The phases of a module: the keys of `instructions:` in module_config.yaml. Build and Test are
 * in every real file (`Test: []` when empty); qtqa also declares `LicenseCheck`. Each phase a
 * module declares is planned and becomes its own work item on every configuration it accepts.
 *
 * Order (*inferred*: Coin's source is not public): the order the file declares them in, except
 * that Test always runs after Build. qtqa declares `LicenseCheck: []` before `Build`, so its
 * license check runs first; a phase declared after Build runs after the build, with its artifacts.
 */
import type { CoinFileWarning } from './coin-yaml';
import { nearestName } from './instruction-catalogue';
import { CoinFileError, fieldPos, posOf } from './source-pos';

/** The phases every module_config.yaml must declare. */
export const requiredPhases = ['Build', 'Test'] as const;

/** The phases Coin is known to run: the ones the real files declare. */
export const knownPhases = ['LicenseCheck', 'Build', 'Test'] as const;

/** Where a phase runs relative to the module's build. */
export type PhaseStage = 'before-build' | 'build' | 'after-build';

/** A phase name becomes part of work item ids (in lower case), so it is letters and digits. */
const phaseNamePattern = /^[A-Za-z][A-Za-z0-9]*$/;

/** The declared phases in run order: as declared, with Test moved after Build when written before it. */
export function phaseOrder(declared: readonly string[]): string[] {
  const order = [...declared];
  const test = order.indexOf('Test');
  const build = order.indexOf('Build');
  if (test >= 0 && build >= 0 && test < build) {
    order.splice(test, 1);
    order.splice(order.indexOf('Build') + 1, 0, 'Test');
  }
  return order;
}

/** Where `phase` runs relative to Build in `order` (a run order from phaseOrder). */
export function phaseStage(order: readonly string[], phase: string): PhaseStage {
  if (phase === 'Build') return 'build';
  return order.indexOf(phase) < order.indexOf('Build') ? 'before-build' : 'after-build';
}

/** The work item kind of a phase: its name in lower case (`build`, `test`, `licensecheck`). */
export function phaseKind(phase: string): string {
  return phase.toLowerCase();
}

/**
 * The declared phase names of an `instructions:` map, checked: each is letters and digits,
 * Build and Test are there. Throws CoinFileError at the offending key.
 */
export function declaredPhases(instructions: Record<string, unknown>): string[] {
  const names = Object.keys(instructions);
  for (const name of names) {
    if (!phaseNamePattern.test(name)) {
      throw new CoinFileError(
        fieldPos(instructions, name) ?? posOf(instructions),
        `phase name "${name}" must be letters and digits (such as Build, Test or LicenseCheck)`,
      );
    }
  }
  for (const phase of requiredPhases) {
    if (!names.includes(phase)) {
      throw new CoinFileError(
        posOf(instructions),
        `instructions need a "${phase}:" list ("${phase}: []" when empty)`,
      );
    }
  }
  return names;
}

/** Notes on phases Coin is not known to run (likely typos) and machine_type entries of no phase. */
export function phaseWarnings(
  instructions: object,
  phases: readonly string[],
  machineType: object | undefined,
): CoinFileWarning[] {
  const warnings: CoinFileWarning[] = [];
  for (const phase of phases) {
    if ((knownPhases as readonly string[]).includes(phase)) continue;
    const near = nearestName(phase, knownPhases);
    const hint = near ? `did you mean ${near}? ` : '';
    warnings.push({
      pos: fieldPos(instructions, phase),
      message: `phase "${phase}" is not one Coin is known to run (${knownPhases.join(', ')}): ${hint}it is planned and run as its own work item`,
    });
  }
  for (const phase of Object.keys(machineType ?? {})) {
    if (phases.includes(phase)) continue;
    warnings.push({
      pos: fieldPos(machineType, phase),
      message: `machine_type names phase "${phase}", which the module's instructions do not declare`,
    });
  }
  return warnings;
}
