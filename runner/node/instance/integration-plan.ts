/**
 * Expands an integration of a local git repository into work units: for each configuration
 * the module accepts, a build and a test; plus builds of its dependencies (dependencies.yaml,
 * recursively) at their pinned revisions, whose installed artifacts the module's build receives.
 */
import path from 'node:path';
import { buildKey } from '../../core/build-key';
import { configProperties } from '../../core/coin-files/config-properties';
import { IncludeResolver } from '../../core/coin-files/include-resolver';
import {
  loadModuleConfig,
  parseModuleDependencies,
  type ModuleConfig,
} from '../../core/coin-files/module-config';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { configurationVerdicts } from '../../core/configuration-verdicts';
import { acceptsConfiguration, planPhase } from '../../core/planner';
import type { PlannedInstruction } from '../../core/planned-instruction';
import { findCheckout, GitRepoFileResolver, type RepoAtRevision } from '../sources/git-repo-file-resolver';
import { resolveRef, SourceInputError } from '../sources/git-snapshot';
import type { WorkUnit } from '../../core/work-unit';

export interface IntegrationRequest {
  taskId: string;
  project: string;
  branch: string;
  repoPath: string;
  sha: string;
  configurations: readonly PlatformConfiguration[];
  /**
   * Every configuration of the instance: where a TestOnly configuration's platform dependency is
   * found when it was not asked for itself (default: `configurations`).
   */
  allConfigurations?: readonly PlatformConfiguration[];
  /** Where dependencies' checkouts are looked for (ROOT/owner/repo or ROOT/repo). */
  searchRoots: readonly string[];
}

interface ModuleAt extends RepoAtRevision {
  project: string;
  module: ModuleConfig;
  dependencies: string[];
}

function unitId(taskId: string, kind: string, project: string, config: string): string {
  return `${taskId}.${kind}.${project.replace(/\//g, '_')}.${config}`;
}

/** `qt/qtsvg` + `../qtbase` -> `qt/qtbase`. */
function dependencyProject(project: string, relative: string): string {
  return path.posix.normalize(path.posix.join(project, relative));
}

/** CI-provided variables and the configuration's own, as EnvironmentVariable steps the agent renders. */
function environmentSteps(config: PlatformConfiguration, ci: Record<string, string>): PlannedInstruction[] {
  const pairs = Object.entries(ci).concat(
    config.environmentVariables.map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)] as [string, string];
    }),
  );
  return pairs.map(([name, value]) => ({
    type: 'EnvironmentVariable',
    at: `<configuration ${config.name}>`,
    fields: { variableName: name, variableValue: value },
    executeOn: 'success',
  }));
}

function ciVariables(at: ModuleAt, request: IntegrationRequest, config: PlatformConfiguration, id: string) {
  return {
    TESTED_MODULE_COIN: at.project.split('/').pop()!,
    TESTED_MODULE_REVISION_COIN: at.sha,
    TESTED_MODULE_BRANCH_COIN: request.branch,
    COIN_PLATFORM_ID: config.name,
    COIN_UNIQUE_JOB_ID: id,
    TARGET_OS_COIN: config.targetOs ?? '',
    MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH: `${at.project}/${at.sha}/${config.name}`,
    CI_PATH_SEP: '/',
  };
}

class IntegrationPlanner {
  private readonly modules = new Map<string, ModuleAt>();
  private readonly units: WorkUnit[] = [];
  private readonly buildUnits = new Map<string, WorkUnit>();
  private readonly includes: IncludeResolver;
  private readonly repos = new Map<string, RepoAtRevision>();

  constructor(private readonly request: IntegrationRequest) {
    this.repos.set(request.project, { path: request.repoPath, sha: request.sha });
    this.includes = new IncludeResolver(new GitRepoFileResolver(this.repos, request.searchRoots));
  }

  async moduleAt(project: string, repoPath: string, sha: string): Promise<ModuleAt> {
    const known = this.modules.get(project);
    if (known) return known;
    this.repos.set(project, { path: repoPath, sha });
    const text = this.includes.files.read(project, 'coin/module_config.yaml');
    if (!text)
      throw new SourceInputError(
        `${project} at ${sha.slice(0, 12)} has no coin/module_config.yaml (in ${repoPath})`,
      );
    const module = loadModuleConfig(this.includes, project);
    const depsFile = this.includes.files.read(project, 'dependencies.yaml');
    const deps = depsFile ? parseModuleDependencies(depsFile.file, depsFile.text) : [];
    const at: ModuleAt = { project, path: repoPath, sha, module, dependencies: [] };
    this.modules.set(project, at);
    for (const dep of deps) at.dependencies.push((await this.dependency(project, dep.path, dep.ref)).project);
    return at;
  }

  private async dependency(project: string, relative: string, ref: string): Promise<ModuleAt> {
    const depProject = dependencyProject(project, relative);
    const checkout = findCheckout(depProject, this.request.searchRoots);
    if (!checkout) {
      const roots = this.request.searchRoots.join(', ');
      throw new SourceInputError(
        `dependency ${depProject} of ${project}: no checkout found under ${roots} (use --deps-root)`,
      );
    }
    return this.moduleAt(depProject, checkout, await resolveRef(checkout, ref));
  }

  buildUnit(at: ModuleAt, config: PlatformConfiguration): WorkUnit {
    const id = unitId(this.request.taskId, 'build', at.project, config.name);
    const existing = this.buildUnits.get(id);
    if (existing) return existing;
    const depUnits = at.dependencies.map((dep) => this.buildUnit(this.modules.get(dep)!, config));
    const properties = configProperties(config, (cid) =>
      this.request.configurations.find((c) => c.name === cid),
    );
    const planned = planPhase(at.module, 'Build', properties).instructions;
    const env = ciVariables(at, this.request, config, id);
    const key = buildKey({
      project: at.project,
      sha: at.sha,
      configuration: { ...config.fields },
      instructions: planned,
      dependencyKeys: depUnits.map((u) => u.buildKey!),
    });
    const unit: WorkUnit = {
      id,
      kind: 'build',
      project: at.project,
      repoPath: at.path,
      sha: at.sha,
      configuration: config.name,
      instructions: [...environmentSteps(config, env), ...planned],
      env: {},
      dependsOn: depUnits.map((u) => u.id),
      searchRoots: this.request.searchRoots,
      buildKey: key,
      insignificant: configurationVerdicts(config.features, config.platformDependency).buildInsignificant,
      cores: at.module.machineType.Build?.cores ?? null,
      inputs: allDependencyBuilds(depUnits, this.buildUnits).map((k) => ({
        key: k,
        kind: 'build',
        unpackTo: '.',
      })),
    };
    this.buildUnits.set(id, unit);
    this.units.push(unit);
    return unit;
  }

  testUnit(at: ModuleAt, config: PlatformConfiguration, build: WorkUnit): WorkUnit {
    const id = unitId(this.request.taskId, 'test', at.project, config.name);
    const properties = configProperties(config, (cid) =>
      this.request.configurations.find((c) => c.name === cid),
    );
    const planned = planPhase(at.module, 'Test', properties).instructions;
    const env = ciVariables(at, this.request, config, id);
    const builds = [...allDependencyBuilds([build], this.buildUnits)];
    const unit: WorkUnit = {
      ...build,
      id,
      kind: 'test',
      // a TestOnly configuration's test runs as itself on another configuration's build
      configuration: config.name,
      instructions: [...environmentSteps(config, env), ...planned],
      dependsOn: [build.id],
      buildKey: null,
      insignificant: configurationVerdicts(config.features, config.platformDependency).testInsignificant,
      cores: at.module.machineType.Test?.cores ?? null,
      inputs: [
        ...builds.map((k) => this.buildInput(k)),
        {
          key: `${build.buildKey}.UploadModuleTestsArtifact`,
          name: `${at.project}/UploadModuleTestsArtifact`,
          kind: 'test',
          unpackTo: null,
        },
      ],
    };
    this.units.push(unit);
    return unit;
  }

  /** A dependency's (or the module's own) installed build, unpacked into the work area. */
  private buildInput(key: string): WorkUnit['inputs'][number] {
    const unit = [...this.buildUnits.values()].find((u) => u.buildKey === key);
    return {
      key,
      name: `${unit?.project ?? 'unknown'}/UploadModuleBuildArtifact`,
      kind: 'build',
      unpackTo: '.',
    };
  }

  all(): WorkUnit[] {
    return this.units;
  }
}

/** Build keys of `units` and, transitively, of every build they depend on (dependencies first). */
function allDependencyBuilds(units: readonly WorkUnit[], byId: Map<string, WorkUnit>): string[] {
  const keys: string[] = [];
  const visit = (unit: WorkUnit) => {
    unit.dependsOn.forEach((id) => visit(byId.get(id)!));
    if (unit.buildKey && !keys.includes(unit.buildKey)) keys.push(unit.buildKey);
  };
  units.forEach(visit);
  return keys;
}

/** The configuration a TestOnly one tests on (its platform dependency); SourceInputError when unknown. */
function buildProvider(request: IntegrationRequest, config: PlatformConfiguration, id: string) {
  const all = [...request.configurations, ...(request.allConfigurations ?? [])];
  const found = all.find((c) => c.id === id || c.name === id);
  if (!found)
    throw new SourceInputError(
      `configuration ${config.name} is TestOnly on "${id}", which is not a configuration of this instance`,
    );
  return found;
}

/** The work units of an integration; SourceInputError / CoinFileError for bad input. */
export async function planIntegration(request: IntegrationRequest): Promise<WorkUnit[]> {
  const planner = new IntegrationPlanner(request);
  const root = await planner.moduleAt(request.project, request.repoPath, request.sha);
  for (const config of request.configurations) {
    const properties = configProperties(config, (cid) => request.configurations.find((c) => c.name === cid));
    if (acceptsConfiguration(root.module, properties).value !== true) continue;
    const verdicts = configurationVerdicts(config.features, config.platformDependency);
    // TestOnly: the test runs on the named configuration's build instead of a build of its own.
    const builtOn = verdicts.testsBuildOf ? buildProvider(request, config, verdicts.testsBuildOf) : config;
    const build = planner.buildUnit(root, builtOn);
    if (verdicts.runsTests) planner.testUnit(root, config, build);
  }
  return planner.all();
}
