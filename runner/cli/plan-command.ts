/**
 * `coin plan`: what a module's Coin files make of each platform configuration, without running
 * anything: which configurations accept_configuration rejects and why, and the steps of each
 * phase with their source, decision, reasons and rendered commands on a simulated agent.
 */
import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { IncludeResolver, type RepoFileResolver } from '../core/coin-files/include-resolver';
import { nearestName } from '../core/coin-files/instruction-catalogue';
import { instructionPhases, loadModuleConfig, moduleConfigPath } from '../core/coin-files/module-config';
import type { InstructionPhase } from '../core/coin-files/module-config';
import { PlatformConfigLoader, type PlatformConfigSet } from '../core/coin-files/platform-configs';
import { CoinFileError } from '../core/coin-files/source-pos';
import {
  planReport,
  planSummary,
  type ConfigurationReport,
  type PhaseReport,
  type PlanReport,
  type PlanStep,
} from '../core/plan-report';
import { FsPlatformConfigSource } from '../node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../node/coin-files/fs-repo-resolver';
import type { CliIo } from './cli-io';
import { textTable } from './text-table';

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
  env: string[];
  project?: string;
  repos?: string;
  json?: boolean;
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

function phasesOf(opts: PlanOptions, io: CliIo): InstructionPhase[] {
  if (opts.phase === undefined) return [...instructionPhases];
  const phase = instructionPhases.find((p) => p.toLowerCase() === opts.phase!.toLowerCase());
  if (!phase) throw io.usageError(`--phase takes ${instructionPhases.join(' or ')}, got '${opts.phase}'`);
  return [phase];
}

function overridesOf(opts: PlanOptions, io: CliIo): [string, string][] {
  return opts.env.map((assignment) => {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw io.usageError(`--env takes NAME=VALUE, got '${assignment}'`);
    return [assignment.slice(0, eq), assignment.slice(eq + 1)];
  });
}

function platformSetOf(opts: PlanOptions, project: string, io: CliIo): PlatformConfigSet {
  const dir = opts.platformConfigs;
  if (!dir) {
    throw io.usageError('--platform-configs DIR is required (the coin/platform_configs directory of qt/qt5)');
  }
  if (!isDirectory(dir)) throw io.usageError(`--platform-configs ${dir} is not a directory`);
  const source = new FsPlatformConfigSource(dir);
  const given = opts.platformConfigFile;
  const name = given ? (given.endsWith('.yaml') ? given : `${given}.yaml`) : `${project.split('/')[1]}.yaml`;
  if (!source.read(name)) {
    const hint = given
      ? ''
      : `; pass --platform-config-file NAME to plan with another file (such as qt5.yaml)`;
    throw io.usageError(`${dir} has no ${name}${given ? '' : ` for ${project}`}${hint}`);
  }
  return new PlatformConfigLoader(source).load(name);
}

function checkConfigName(set: PlatformConfigSet, name: string | undefined, io: CliIo): void {
  if (name === undefined) return;
  const names = set.configurations.map((c) => c.name);
  if (names.includes(name)) return;
  const nearest = nearestName(name, names);
  const hint = nearest ? `did you mean "${nearest}"?` : `its configurations are: ${names.join(', ')}`;
  throw io.usageError(`${set.name} has no configuration "${name}"; ${hint}`);
}

function buildReport(opts: PlanOptions, io: CliIo): PlanReport {
  const moduleDir = moduleDirOf(opts, io);
  const project = projectOf(opts, moduleDir, io);
  const phases = phasesOf(opts, io);
  const overrides = overridesOf(opts, io);
  const root = path.resolve(opts.repos ?? path.dirname(path.dirname(moduleDir)));
  try {
    const platforms = platformSetOf(opts, project, io);
    checkConfigName(platforms, opts.config, io);
    const includes = new IncludeResolver(new CheckoutResolver(root, project, moduleDir));
    const module = loadModuleConfig(includes, project);
    return planReport({
      module,
      project,
      platforms,
      configName: opts.config,
      phases,
      overrides,
      displayRoot: root,
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
    .option('--platform-config-file <name>', 'the platform configuration file (default: <repo>.yaml)')
    .option('--config <id>', 'only this configuration')
    .option('--phase <phase>', 'only this phase: Build or Test')
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
    .action((opts: PlanOptions) => {
      const report = buildReport(opts, io);
      const details = opts.details === true || opts.config !== undefined;
      io.out(opts.json ? JSON.stringify(report, null, 2) : formatPlanReport(report, { details }));
      const failed = report.configurations.filter((c) => c.error !== undefined);
      for (const config of failed) io.err(`coin: ${config.name}: ${config.error!.replace(/\s*\n\s*/g, ' ')}`);
      io.setExitCode(failed.length > 0 ? 2 : 0);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const decisionWidth = 'at runtime'.length;

function stepDetails(step: PlanStep): string[] {
  const details: string[] = [];
  if (step.simulated) {
    const [label] = step.reasons[0]!.split(':', 1);
    const outcome = !step.reached
      ? '; a Group above it does not run'
      : step.runs
        ? ', so it runs'
        : ', so it does not run';
    details.push(`at runtime (${label} would be ${step.simulated.value} with the simulated env${outcome})`);
    details.push(...step.simulated.trace);
  } else {
    details.push(...step.reasons);
  }
  if (step.note) details.push(step.note);
  if (step.action) details.push(step.type === 'ExecuteCommand' ? `$ ${step.action}` : step.action);
  if (step.error) details.push(`cannot render with the simulated env: ${step.error}`);
  return details;
}

function formatSteps(steps: readonly PlanStep[]): string[] {
  const width = Math.max(...steps.map((s) => 2 * s.depth + s.type.length));
  const lines: string[] = [];
  for (const step of steps) {
    const marker = step.runs || step.decision === 'skipped' ? ' ' : '-';
    const name = `${'  '.repeat(step.depth)}${step.type}`;
    lines.push(`${step.decision.padEnd(decisionWidth)} ${marker} ${name.padEnd(width)}  ${step.at ?? '?'}`);
    const indent = ' '.repeat(decisionWidth + 3 + 2 * step.depth + 2);
    lines.push(...stepDetails(step).map((d) => `${indent}${d}`));
  }
  return lines;
}

function formatPhase(config: ConfigurationReport, phase: PhaseReport): string[] {
  const { counts, agent } = phase;
  const dirs = Object.entries(agent).map(([k, v]) => `${k}=${String(v)}`);
  const width = Math.max(...phase.environment.map((e) => e.name.length + e.value.length + 1));
  return [
    '',
    `--- ${phase.phase} on ${config.name}: ${counts.steps} steps (${counts.run} run, ${counts.skipped} skipped, ` +
      `${counts.atRuntime} at runtime); the simulated run runs ${counts.actions} instruction${counts.actions === 1 ? '' : 's'}`,
    `agent (sample): ${dirs.join(' ')}`,
    'environment at the start:',
    ...phase.environment.map((e) => `  ${`${e.name}=${e.value}`.padEnd(width)}  (${e.from})`),
    "steps ('-': the simulated run does not run it):",
    ...formatSteps(phase.steps),
  ];
}

function formatConfiguration(config: ConfigurationReport): string[] {
  const lines = [
    '',
    `=== ${config.name}: ${config.template}, ${config.compiler}, features [${config.features.join(', ')}]`,
    ...config.accept.map((line, i) => (i === 0 ? `accept_configuration: ${line}` : `  ${line}`)),
  ];
  if (config.platformDependency.length > 0) {
    const testOnly = config.features.includes('TestOnly')
      ? ' (TestOnly: it tests what that configuration built)'
      : '';
    lines.push(`platform dependency: ${config.platformDependency.join(', ')}${testOnly}`);
  }
  if (config.environmentScript.length > 0) {
    lines.push(`environment script (not simulated): ${config.environmentScript.join(' ')}`);
  }
  for (const phase of config.phases) lines.push(...formatPhase(config, phase));
  if (config.error) lines.push(`planning stopped: ${config.error}`);
  return lines;
}

/** The summary table: one row per accepted configuration, steps and instructions run per phase. */
function formatSummary(report: PlanReport): string[] {
  const summary = planSummary(report);
  const problems = summary.accepted.some((c) => c.error !== undefined);
  const header = ['configuration', 'host', 'compiler', 'target'];
  header.push(...report.phases.flatMap((p) => [`${p} steps`, 'runs']), ...(problems ? ['problem'] : []));
  const rows = summary.accepted.map((c) => [
    c.name,
    c.host,
    c.compiler,
    c.target,
    ...report.phases.flatMap((phase) => {
      const found = c.phases.find((p) => p.phase === phase);
      return found ? [String(found.steps), String(found.runs)] : ['–', '–'];
    }),
    ...(problems ? [c.error ? `planning stopped: ${c.error.replace(/\s*\n\s*/g, ' ')}` : ''] : []),
  ]);
  const lines = rows.length ? ['', textTable(header, rows)] : [];
  if (summary.rejected.length) {
    lines.push('', 'rejected by accept_configuration:');
    lines.push(...summary.rejected.map((r) => `  ${r.name}: ${r.why}`));
  }
  return lines;
}

/**
 * The report as the text `coin plan` prints: the summary, then with `details` every accepted
 * configuration's steps, else how to get them.
 */
export function formatPlanReport(report: PlanReport, options: { details: boolean }): string {
  const considered = report.configurations.length + report.rejected.length;
  const lines = [
    `Plan of ${report.project} (${report.moduleFile}) with ${report.platformConfigFile}`,
    `${considered} of ${report.configurationCount} configurations considered: ` +
      `${report.configurations.length} accepted, ${report.rejected.length} rejected by accept_configuration`,
    ...formatSummary(report),
  ];
  if (!options.details) {
    if (report.configurations.length)
      lines.push(
        '',
        "'steps': instructions in the phase (Groups included); 'runs': those the simulated run runs.",
        'The steps of each configuration: add --details, or --config ID for one configuration.',
      );
    return lines.join('\n');
  }
  for (const config of report.configurations) lines.push(...formatConfiguration(config));
  return lines.join('\n');
}
