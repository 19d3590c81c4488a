/**
 * The work units of an integration, from modules already loaded at their revisions (the runner
 * reads them from git: runner/node/instance/integration-plan.ts). For each configuration the
 * module accepts, one unit per phase it has there (phase-work.ts), chained in run order: phases
 * declared before Build, the build, then Test and the phases declared after Build. Each unit's
 * instructions come from the one evaluator (phase-instructions.ts) that `coin plan` shows.
 *
 * Dependencies (dependencies.yaml, recursively) get a build on the same configuration at their
 * pinned revision; the module's build receives their installed artifacts. A TestOnly
 * configuration's after-build phases run on the build of the configuration it names (without a
 * platform dependency: on the sources alone, phase-work.ts).
 */
import { buildKey } from './build-key';
import { configProperties } from './coin-files/config-properties';
import type { ModuleConfig } from './coin-files/module-config';
import type { PlatformConfiguration } from './coin-files/platform-configs';
import { CoinFileError, fieldPos } from './coin-files/source-pos';
import { configurationVerdicts } from './configuration-verdicts';
import { configurationPhases, type PhaseWork } from './phase-work';
import { resolvePhase, workItemId, type RunIdentity } from './phase-instructions';
import { acceptsConfiguration } from './planner';
import type { WorkUnit } from './work-unit';

/** A module's Coin files at the revision an integration builds. */
export interface ModuleAtRevision {
  readonly project: string;
  /** The checkout the sources are archived from. */
  readonly path: string;
  readonly sha: string;
  readonly module: ModuleConfig;
  /** Projects of its dependencies.yaml entries (each also in the modules map). */
  readonly dependencies: readonly string[];
}

/** What the units are planned for. */
export interface UnitsRequest {
  readonly taskId: string;
  readonly branch: string;
  readonly configurations: readonly PlatformConfiguration[];
  /** Where a TestOnly configuration's platform dependency is found when it was not asked for. */
  readonly allConfigurations?: readonly PlatformConfiguration[];
  /** Where checkouts of other projects are looked for (InstallSourceArchive, dependencies). */
  readonly searchRoots: readonly string[];
  /**
   * SHA-256 of a text in lowercase hex for the build keys: node:crypto's in the instance (core's
   * portable one, the default, gives the same and is several times slower).
   */
  readonly sha256Hex?: (text: string) => string;
}

class UnitPlanner {
  readonly units: WorkUnit[] = [];
  private readonly builds = new Map<string, WorkUnit>();

  constructor(
    private readonly request: UnitsRequest,
    private readonly modules: ReadonlyMap<string, ModuleAtRevision>,
  ) {}

  lookup = (id: string): PlatformConfiguration | undefined =>
    [...this.request.configurations, ...(this.request.allConfigurations ?? [])].find(
      (c) => c.id === id || c.name === id,
    );

  private unit(at: ModuleAtRevision, phase: string, config: PlatformConfiguration, extra: Partial<WorkUnit>) {
    const run: RunIdentity = {
      project: at.project,
      revision: at.sha,
      branch: this.request.branch,
      taskId: this.request.taskId,
    };
    const resolved = resolvePhase(at.module, phase, config, configProperties(config, this.lookup), run);
    const unit: WorkUnit = {
      id: resolved.jobId,
      kind: resolved.kind,
      project: at.project,
      repoPath: at.path,
      sha: at.sha,
      configuration: config.name,
      instructions: resolved.instructions,
      env: {},
      dependsOn: [],
      searchRoots: this.request.searchRoots,
      buildKey: null,
      cores: resolved.cores,
      insignificant: false,
      inputs: [],
      ...extra,
    };
    return { unit, planned: resolved.plan.instructions };
  }

  /** The build of `at` on `config` (once per task), after the builds of its dependencies. */
  build(at: ModuleAtRevision, config: PlatformConfiguration, insignificant: boolean): WorkUnit {
    const id = workItemId(this.request.taskId, 'build', at.project, config.name);
    const existing = this.builds.get(id);
    if (existing) return existing;
    const deps = at.dependencies.map((d) => this.build(this.modules.get(d)!, config, insignificant));
    const inputs = allDependencyBuilds(deps, this.builds).map((key) => this.buildInput(key));
    const { unit, planned } = this.unit(at, 'Build', config, {
      dependsOn: deps.map((u) => u.id),
      insignificant,
      inputs,
    });
    unit.buildKey = buildKey(
      {
        project: at.project,
        sha: at.sha,
        configuration: { ...config.fields },
        // the phase's own instructions: the variables hold the task id, which must not change the key
        instructions: planned,
        dependencyKeys: deps.map((u) => u.buildKey!),
      },
      this.request.sha256Hex,
    );
    this.builds.set(id, unit);
    this.units.push(unit);
    return unit;
  }

  /** A phase other than Build: before the build it has the sources only, after it the builds too. */
  phase(at: ModuleAtRevision, work: PhaseWork, config: PlatformConfiguration, build: WorkUnit | null) {
    const inputs = build ? allDependencyBuilds([build], this.builds).map((k) => this.buildInput(k)) : [];
    if (build && work.phase === 'Test') {
      inputs.push({
        key: `${build.buildKey}.UploadModuleTestsArtifact`,
        name: `${at.project}/UploadModuleTestsArtifact`,
        kind: 'test',
        unpackTo: null,
      });
    }
    const { unit } = this.unit(at, work.phase, config, { insignificant: work.insignificant, inputs });
    this.units.push(unit);
    return unit;
  }

  /** A build's installed artifact, unpacked into the work area (where its upload said it belongs). */
  private buildInput(key: string): WorkUnit['inputs'][number] {
    const unit = [...this.builds.values()].find((u) => u.buildKey === key);
    return {
      key,
      name: `${unit?.project ?? 'unknown'}/UploadModuleBuildArtifact`,
      kind: 'build',
      unpackTo: '.',
    };
  }
}

/** Build keys of `units` and, transitively, of every build they depend on (dependencies first). */
function allDependencyBuilds(units: readonly WorkUnit[], builds: Map<string, WorkUnit>): string[] {
  const keys: string[] = [];
  const visit = (unit: WorkUnit) => {
    unit.dependsOn.forEach((id) => {
      const dep = builds.get(id);
      if (dep) visit(dep);
    });
    if (unit.buildKey && !keys.includes(unit.buildKey)) keys.push(unit.buildKey);
  };
  units.forEach(visit);
  return keys;
}

/** The configuration a TestOnly one tests on; CoinFileError when the instance has none of that Id. */
function buildProvider(planner: UnitPlanner, config: PlatformConfiguration, id: string) {
  const found = planner.lookup(id);
  if (!found)
    throw new CoinFileError(
      fieldPos(config.fields, 'Platform dependency'),
      `configuration ${config.name} is TestOnly on "${id}", which is not a configuration of this instance`,
    );
  return found;
}

/** The units of one configuration, chained: each waits for the one before it in run order. */
function configurationUnits(planner: UnitPlanner, root: ModuleAtRevision, config: PlatformConfiguration) {
  let previous: string[] = [];
  let build: WorkUnit | null = null;
  for (const work of configurationPhases(root.module, config)) {
    if (work.phase === 'Build') {
      if (work.absent !== null && work.buildOf === null) continue; // TestOnly on the sources alone
      const builtOn = work.buildOf ? buildProvider(planner, config, work.buildOf) : config;
      const verdicts = configurationVerdicts(builtOn.features, builtOn.platformDependency);
      build = planner.build(root, builtOn, verdicts.buildInsignificant);
      // the build of another configuration does not wait for this one's earlier phases
      if (!work.buildOf) build.dependsOn.push(...previous.filter((id) => !build!.dependsOn.includes(id)));
      previous = work.buildOf ? [build.id, ...previous] : [build.id];
      continue;
    }
    if (work.absent !== null) continue;
    const unit = planner.phase(root, work, config, work.stage === 'before-build' ? null : build);
    unit.dependsOn.push(...previous);
    previous = [unit.id];
  }
}

/** The work units of an integration of `root`; CoinFileError for an instruction that cannot run. */
export function integrationUnits(
  request: UnitsRequest,
  root: ModuleAtRevision,
  modules: ReadonlyMap<string, ModuleAtRevision>,
): WorkUnit[] {
  const planner = new UnitPlanner(request, modules);
  for (const config of request.configurations) {
    if (acceptsConfiguration(root.module, configProperties(config, planner.lookup)).value !== true) continue;
    configurationUnits(planner, root, config);
  }
  return planner.units;
}
