/**
 * Expands an integration of a local git repository into work units: reads the module's Coin
 * files and those of its dependencies (dependencies.yaml, recursively, at their pinned revisions)
 * from git, then plans the units in runner/core/integration-units.ts: for each configuration the
 * module accepts, one unit per phase it declares, and builds of its dependencies whose installed
 * artifacts the module's build receives. A coin/product_dependencies.yaml is read and checked (a
 * malformed one refuses the integration); it names what the module is released with, which is not
 * built here.
 */
import path from 'node:path';
import { sha256Of } from '../file-hash';
import { IncludeResolver } from '../../core/coin-files/include-resolver';
import { loadModuleConfig, parseModuleDependencies } from '../../core/coin-files/module-config';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import {
  parseProductDependencies,
  productDependenciesPath,
} from '../../core/coin-files/product-dependencies';
import { integrationUnits, type ModuleAtRevision } from '../../core/integration-units';
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

interface ModuleAt extends ModuleAtRevision {
  dependencies: string[];
}

/** `qt/qtsvg` + `../qtbase` -> `qt/qtbase`. */
function dependencyProject(project: string, relative: string): string {
  return path.posix.normalize(path.posix.join(project, relative));
}

/** Reads modules at revisions from git, each once. */
class ModuleReader {
  readonly modules = new Map<string, ModuleAt>();
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
    const product = this.includes.files.read(project, productDependenciesPath);
    if (product) parseProductDependencies(project, product.file, product.text);
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
}

/** The work units of an integration; SourceInputError / CoinFileError for bad input. */
export async function planIntegration(request: IntegrationRequest): Promise<WorkUnit[]> {
  const reader = new ModuleReader(request);
  const root = await reader.moduleAt(request.project, request.repoPath, request.sha);
  return integrationUnits({ ...request, sha256Hex: sha256Of }, root, reader.modules);
}
