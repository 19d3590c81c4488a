/**
 * `coin plan`: what a module's Coin files make of each platform configuration, without running
 * anything: which configurations accept_configuration rejects and why, and for the others the
 * work item of each phase the module declares with its steps: source, decision, reasons, rendered
 * commands and time limits on a simulated agent. The instruction lists are the ones a run sends
 * to its agents (runner/core/phase-instructions.ts).
 */
import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { IncludeResolver, type RepoFileResolver } from '../core/coin-files/include-resolver';
import { nearestName } from '../core/coin-files/instruction-catalogue';
import { loadModuleConfig, moduleConfigPath, type ModuleConfig } from '../core/coin-files/module-config';
import {
  allPlatforms,
  fallbackPlatformFile,
  filePlatforms,
  modulePlatforms,
  type PlatformSelection,
} from '../core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../core/coin-files/platform-configs';
import {
  parseProductDependencies,
  productDependenciesPath,
  type ProductDependencies,
} from '../core/coin-files/product-dependencies';
import { CoinFileError } from '../core/coin-files/source-pos';
import { planReport, type PlanReport } from '../core/plan-report';
import { FsPlatformConfigSource } from '../node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../node/coin-files/fs-repo-resolver';
import type { CliIo } from './cli-io';
import { formatPlanReport } from './plan-format';

/**
 * Repositories under `root` (`root/<owner>/<repo>`), except `project`, whose files come from
 * `projectDir` wherever it is (a checkout outside the tree, or named differently).
 */
export class CheckoutResolver implements RepoFileResolver {
  private readonly others: FsRepoResolver;
  private readonly own: FsRepoResolver;
  private readonly ownRepo: string;

  constructor(
    root: string,
    readonly project: string,
    projectDir: string,
  ) {
    const dir = path.resolve(projectDir);
    this.others = new FsRepoResolver(root);
    this.own = new FsRepoResolver(path.dirname(path.dirname(dir)));
    this.ownRepo = `${path.basename(path.dirname(dir))}/${path.basename(dir)}`;
  }

  /** The file of `repo`, from the project's checkout when `repo` is the project. */
  read(repo: string, relativePath: string): { file: string; text: string } | undefined {
    return repo === this.project
      ? this.own.read(this.ownRepo, relativePath)
      : this.others.read(repo, relativePath);
  }

  /** Where `read` looks. */
  describe(repo: string, relativePath: string): string {
    return repo === this.project
      ? this.own.describe(this.ownRepo, relativePath)
      : this.others.describe(repo, relativePath);
  }

  /** Repository-relative paths of the `.yaml` files under `dir` of the project. */
  listProjectYamlFiles(dir: string): string[] {
    return this.own.listYamlFiles(this.ownRepo, dir);
  }
}

/** `owner/repo` from the last two components of a directory. */
export function projectOfDir(dir: string): string {
  const abs = path.resolve(dir);
  return `${path.basename(path.dirname(abs))}/${path.basename(abs)}`;
}

/** A CoinFileError as the one line a usage error prints. */
function oneLine(error: CoinFileError): string {
  return error.message.replace(/\s*\n\s*/g, ' ');
}

interface PlanOptions {
  module?: string;
  platformConfigs?: string;
  platformConfigFile?: string;
  config?: string;
  phase?: string;
  allConfigs?: boolean;
  env: string[];
  project?: string;
  repos?: string;
  json?: boolean;
  instructions?: boolean;
  details?: boolean;
}

const projectPattern = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function isDirectory(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function moduleDirOf(opts: PlanOptions, io: CliIo): string {
  if (!opts.module) throw io.usageError("--module DIR is required (the root of a module's checkout)");
  const dir = path.resolve(opts.module);
  if (!isDirectory(dir)) throw io.usageError(`--module ${opts.module} is not a directory`);
  if (!fs.existsSync(path.join(dir, moduleConfigPath))) {
    throw io.usageError(
      `${opts.module} has no ${moduleConfigPath} (--module takes the root of a module's checkout, such as qt/qtsvg)`,
    );
  }
  return dir;
}

function projectOf(opts: PlanOptions, moduleDir: string, io: CliIo): string {
  const project = opts.project ?? projectOfDir(moduleDir);
  if (!projectPattern.test(project)) {
    throw io.usageError(`--project takes owner/repo (such as qt/qtsvg), got '${project}'`);
  }
  return project;
}

function phasesOf(opts: PlanOptions, module: ModuleConfig, io: CliIo): string[] | undefined {
  if (opts.phase === undefined) return undefined;
  const phase = module.phases.find((p) => p.toLowerCase() === opts.phase!.toLowerCase());
  if (!phase) {
    throw io.usageError(
      `--phase takes a phase of ${module.repo}: ${module.phases.join(', ')}; got '${opts.phase}'`,
    );
  }
  return [phase];
}

function overridesOf(opts: PlanOptions, io: CliIo): [string, string][] {
  return opts.env.map((assignment) => {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw io.usageError(`--env takes NAME=VALUE, got '${assignment}'`);
    return [assignment.slice(0, eq), assignment.slice(eq + 1)];
  });
}

function platformsOf(opts: PlanOptions, project: string, io: CliIo): PlatformSelection {
  const dir = opts.platformConfigs;
  if (!dir) {
    throw io.usageError('--platform-configs DIR is required (the coin/platform_configs directory of qt/qt5)');
  }
  if (!isDirectory(dir)) throw io.usageError(`--platform-configs ${dir} is not a directory`);
  const source = new FsPlatformConfigSource(dir);
  const loader = new PlatformConfigLoader(source);
  if (opts.allConfigs) {
    if (opts.platformConfigFile)
      throw io.usageError('--all-configs and --platform-config-file exclude each other');
    return allPlatforms(loader, source.names());
  }
  const given = opts.platformConfigFile;
  if (given) {
    const name = given.endsWith('.yaml') ? given : `${given}.yaml`;
    if (!source.read(name)) throw io.usageError(`${dir} has no ${name}`);
    return filePlatforms(loader, name);
  }
  const repo = project.split('/')[1]!;
  const selection = modulePlatforms(loader, repo);
  if (!selection) {
    throw io.usageError(
      `${dir} has neither ${repo}.yaml for ${project} nor ${fallbackPlatformFile}; ` +
        'pass --platform-config-file NAME, or --all-configs for every configuration of the directory',
    );
  }
  return selection;
}

/** The module's coin/product_dependencies.yaml, when it has one. */
function productsOf(files: CheckoutResolver): ProductDependencies | undefined {
  const found = files.read(files.project, productDependenciesPath);
  return found ? parseProductDependencies(files.project, found.file, found.text) : undefined;
}

function checkConfigName(set: PlatformSelection, name: string | undefined, io: CliIo): void {
  if (name === undefined) return;
  const names = set.configurations.map((c) => c.name);
  if (names.includes(name)) return;
  const nearest = nearestName(name, names);
  const hint = nearest ? `did you mean "${nearest}"?` : `its configurations are: ${names.join(', ')}`;
  const where = set.files.length > 3 ? `${set.files.length} files` : set.files.join(' + ');
  throw io.usageError(`${where} has no configuration "${name}"; ${hint}`);
}

function buildReport(opts: PlanOptions, io: CliIo): PlanReport {
  const moduleDir = moduleDirOf(opts, io);
  const project = projectOf(opts, moduleDir, io);
  const overrides = overridesOf(opts, io);
  const root = path.resolve(opts.repos ?? path.dirname(path.dirname(moduleDir)));
  try {
    const platforms = platformsOf(opts, project, io);
    checkConfigName(platforms, opts.config, io);
    const files = new CheckoutResolver(root, project, moduleDir);
    const module = loadModuleConfig(new IncludeResolver(files), project);
    const products = productsOf(files);
    return planReport({
      module,
      project,
      platforms,
      configName: opts.config,
      ...(opts.phase !== undefined ? { phases: phasesOf(opts, module, io) } : {}),
      overrides,
      displayRoot: root,
      ...(products ? { products } : {}),
    });
  } catch (error) {
    if (error instanceof CoinFileError) throw io.usageError(oneLine(error));
    throw error;
  }
}

/** Register `coin plan` on the program. */
export function addPlanCommand(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description("show what a module's Coin files do on each platform configuration (nothing is run)")
    .option('--module <dir>', "the module's checkout (its coin/module_config.yaml is planned)")
    .option('--platform-configs <dir>', 'the coin/platform_configs directory of qt/qt5')
    .option(
      '--platform-config-file <name>',
      `only this file of it (default: <repo>.yaml, else ${fallbackPlatformFile}, plus default.yaml)`,
    )
    .option('--all-configs', 'every configuration of every file of --platform-configs')
    .option('--config <id>', 'only this configuration')
    .option('--phase <phase>', 'only this phase (Build, Test, or another the module declares)')
    .option(
      '--env <name=value>',
      'set a variable of the simulated agent (repeatable, applied in order)',
      collect,
      [],
    )
    .option('--project <owner/repo>', "the module's name (default: the last two parts of --module)")
    .option(
      '--repos <root>',
      '{{owner/repo}} includes read <root>/owner/repo (default: two levels above --module)',
    )
    .option('--details', 'after the summary, print the steps of every configuration (--config: of that one)')
    .option('--json', 'print the plan as JSON (with every detail)')
    .option('--instructions', "with --json: each work item's instruction list as the agent is sent it")
    .action((opts: PlanOptions) => {
      const report = buildReport(opts, io);
      const details = opts.details === true || opts.config !== undefined;
      const platformDir = shownDir(opts.platformConfigs!, opts.repos, opts.module!);
      io.out(
        opts.json
          ? JSON.stringify(report, opts.instructions ? undefined : withoutInstructions, 2)
          : formatPlanReport(report, { details, platformDir }),
      );
      const failed = report.configurations.filter((c) => c.error !== undefined);
      for (const config of failed) io.err(`coin: ${config.name}: ${config.error!.replace(/\s*\n\s*/g, ' ')}`);
      io.setExitCode(failed.length > 0 ? 2 : 0);
    });
}

/** The platform configuration directory as the report shows paths: relative to the repositories' root. */
function shownDir(dir: string, repos: string | undefined, moduleDir: string): string {
  const root = path.resolve(repos ?? path.dirname(path.dirname(path.resolve(moduleDir))));
  const relative = path.relative(root, path.resolve(dir));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(dir) : relative;
}

/** JSON without the phases' instruction lists (two thirds of the text; --instructions keeps them). */
function withoutInstructions(this: unknown, key: string, value: unknown): unknown {
  return key === 'instructions' && typeof this === 'object' && this !== null && 'workItem' in this
    ? undefined
    : value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
