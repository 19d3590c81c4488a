/**
 * `coin lint DIR...`: checks whole trees of Coin files and reports every problem at once.
 *
 * A DIR may be a repository (it has `coin/`: its module_config.yaml with every phase it
 * declares, its instructions, dependencies.yaml and coin/product_dependencies.yaml), a `coin/`
 * directory, a `coin/instructions` directory or a platform configuration directory (`*.yaml`
 * with `Version: 2`). Errors are what
 * stops a file from loading or can never work wherever it is reached (YAML, includes, structure,
 * condition and template syntax, a Template name that says nothing about the host); warnings are
 * what fails only when a configuration reaches it or is likely a mistake (an unknown instruction
 * type or field, a missing field, an unknown key, a stale Id in an Include map).
 */
import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import type { CoinFileWarning } from '../core/coin-files/coin-yaml';
import { parseCondition } from '../core/coin-files/conditions';
import { configProperties } from '../core/coin-files/config-properties';
import { parseTemplate } from '../core/coin-files/go-template';
import { IncludeResolver } from '../core/coin-files/include-resolver';
import {
  InstructionTreeBuilder,
  lintInstructions,
  type InstructionNode,
} from '../core/coin-files/instruction-tree';
import {
  allInstructions,
  lintModuleConfig,
  loadModuleConfig,
  moduleConfigPath,
  parseModuleDependencies,
} from '../core/coin-files/module-config';
import { parseProductDependencies, productDependenciesPath } from '../core/coin-files/product-dependencies';
import { PlatformConfigLoader } from '../core/coin-files/platform-configs';
import { CoinFileError, fieldPos, formatPos, posOf, type SourcePos } from '../core/coin-files/source-pos';
import { FsPlatformConfigSource } from '../node/coin-files/fs-platform-config-source';
import type { CliIo } from './cli-io';
import { CheckoutResolver, projectOfDir } from './plan-command';

/** One problem `coin lint` reports. */
export interface LintProblem {
  readonly severity: 'error' | 'warning';
  readonly pos: SourcePos | undefined;
  readonly message: string;
}

/** Problems and the files they were looked for in. */
export interface LintResult {
  problems: LintProblem[];
  files: Set<string>;
}

/** What a DIR holds: a repository's Coin files, or a platform configuration directory. */
export type LintTarget =
  { kind: 'repo'; dir: string; instructionsOnly: boolean } | { kind: 'platforms'; dir: string };

function isDirectory(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function looksLikePlatformConfigs(dir: string): boolean {
  if (path.basename(dir) === 'platform_configs') return true;
  const yamls = fs.readdirSync(dir).filter((n) => n.endsWith('.yaml'));
  return yamls.some((n) => /^Version:\s*2\b/m.test(fs.readFileSync(path.join(dir, n), 'utf8')));
}

/** What `dir` holds, by its layout; empty when it holds no Coin files. */
export function lintTargetsOf(dir: string): LintTarget[] {
  const has = (p: string) => fs.existsSync(path.join(dir, p));
  const name = path.basename(dir);
  if (isDirectory(path.join(dir, 'coin'))) {
    const targets: LintTarget[] = [{ kind: 'repo', dir, instructionsOnly: false }];
    if (isDirectory(path.join(dir, 'coin/platform_configs'))) {
      targets.push({ kind: 'platforms', dir: path.join(dir, 'coin/platform_configs') });
    }
    return targets;
  }
  if (name === 'coin' || has('module_config.yaml')) return lintTargetsOf(path.dirname(dir));
  if (name === 'instructions' && path.basename(path.dirname(dir)) === 'coin') {
    return [{ kind: 'repo', dir: path.dirname(path.dirname(dir)), instructionsOnly: true }];
  }
  return looksLikePlatformConfigs(dir) ? [{ kind: 'platforms', dir }] : [];
}

function errorOf(error: unknown): LintProblem {
  if (!(error instanceof CoinFileError)) throw error;
  return { severity: 'error', pos: error.pos, message: error.problem };
}

function warnings(list: readonly CoinFileWarning[]): LintProblem[] {
  return list.map((w) => ({ severity: 'warning', pos: w.pos, message: w.message }));
}

/** Template strings of an instruction's fields (a command list's elements too), with positions. */
function templateStrings(node: InstructionNode): [string, SourcePos | undefined][] {
  const found: [string, SourcePos | undefined][] = [];
  for (const [key, value] of Object.entries(node.fields)) {
    if (typeof value === 'string') found.push([value, fieldPos(node.fields, key)]);
    if (Array.isArray(value)) {
      value.forEach((item, i) => typeof item === 'string' && found.push([item, fieldPos(value, i)]));
    }
  }
  return found.filter(([text]) => text.includes('{{'));
}

/** Condition and template syntax of every instruction under `nodes`, each shared node once. */
function syntaxProblems(nodes: readonly InstructionNode[]): LintProblem[] {
  const seen = new Set<InstructionNode>();
  const problems: LintProblem[] = [];
  const visit = (node: InstructionNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const condition = node.enableIf ?? node.disableIf;
    const checks = [
      ...(condition === undefined ? [] : [() => parseCondition(condition, posOf(node.fields))]),
      ...templateStrings(node).map(
        ([text, pos]) =>
          () =>
            parseTemplate(text, pos),
      ),
    ];
    for (const check of checks) {
      try {
        check();
      } catch (error) {
        problems.push(errorOf(error));
      }
    }
    node.children?.forEach(visit);
  };
  nodes.forEach(visit);
  return problems;
}

function lintModule(includes: IncludeResolver, project: string, result: LintResult): void {
  result.files.add(includes.files.describe!(project, moduleConfigPath));
  try {
    const config = loadModuleConfig(includes, project);
    if (config.acceptConfiguration !== undefined) parseCondition(config.acceptConfiguration, config.pos);
    const nodes = allInstructions(config);
    result.problems.push(...warnings(lintModuleConfig(config)), ...syntaxProblems(nodes));
  } catch (error) {
    result.problems.push(errorOf(error));
  }
}

function lintInstructionTree(files: CheckoutResolver, includes: IncludeResolver, result: LintResult): void {
  const builder = new InstructionTreeBuilder();
  const nodes: InstructionNode[] = [];
  for (const relative of files.listProjectYamlFiles('coin/instructions')) {
    result.files.add(files.describe(files.project, relative));
    try {
      const { file, value } = includes.load(files.project, relative);
      nodes.push(builder.instruction(value, posOf(value) ?? { file, line: 1, column: 1 }));
    } catch (error) {
      result.problems.push(errorOf(error));
    }
  }
  result.problems.push(...warnings(lintInstructions(nodes)), ...syntaxProblems(nodes));
}

function lintDependencies(dir: string, result: LintResult): void {
  const file = path.join(dir, 'dependencies.yaml');
  if (!fs.existsSync(file)) return;
  result.files.add(file);
  try {
    parseModuleDependencies(file, fs.readFileSync(file, 'utf8'));
  } catch (error) {
    result.problems.push(errorOf(error));
  }
}

/** coin/product_dependencies.yaml: the product the module is released with (never skipped silently). */
function lintProducts(dir: string, project: string, result: LintResult): void {
  const file = path.join(dir, productDependenciesPath);
  if (!fs.existsSync(file)) return;
  result.files.add(file);
  try {
    result.problems.push(
      ...warnings(parseProductDependencies(project, file, fs.readFileSync(file, 'utf8')).warnings),
    );
  } catch (error) {
    result.problems.push(errorOf(error));
  }
}

function lintRepo(
  target: Extract<LintTarget, { kind: 'repo' }>,
  reposRoot: string | undefined,
  result: LintResult,
) {
  const project = projectOfDir(target.dir);
  const root = reposRoot ?? path.dirname(path.dirname(target.dir));
  const files = new CheckoutResolver(root, project, target.dir);
  const includes = new IncludeResolver(files);
  if (!target.instructionsOnly && fs.existsSync(path.join(target.dir, moduleConfigPath))) {
    lintModule(includes, project, result);
  }
  lintInstructionTree(files, includes, result);
  if (!target.instructionsOnly) {
    lintDependencies(target.dir, result);
    lintProducts(target.dir, project, result);
  }
}

/** Files no other file includes: the sets modules are planned with (fragments are checked through them). */
function platformRoots(loader: PlatformConfigLoader, names: readonly string[]): string[] {
  const parsed = names.flatMap((name) => {
    try {
      return [loader.file(name)];
    } catch {
      return []; // reported when the file is loaded as a root below
    }
  });
  const edges = new Map(
    parsed.map((f) => [f.name, [...f.includes.map((i) => i.file), ...(f.aliasOf ? [f.aliasOf] : [])]]),
  );
  const included = new Set([...edges.values()].flat());
  const roots = names.filter((name) => !included.has(name));
  const reached = new Set<string>();
  const visit = (name: string): void => {
    if (reached.has(name)) return;
    reached.add(name);
    edges.get(name)?.forEach(visit);
  };
  roots.forEach(visit);
  // Files only reachable through an include cycle have no root: load them so the cycle is reported.
  return [...roots, ...names.filter((name) => !reached.has(name))];
}

function lintPlatformConfigs(dir: string, result: LintResult): void {
  const source = new FsPlatformConfigSource(dir);
  const loader = new PlatformConfigLoader(source);
  const names = source.names();
  names.forEach((name) => result.files.add(path.join(source.dir, name)));
  for (const name of platformRoots(loader, names)) {
    try {
      const set = loader.load(name);
      result.problems.push(...warnings(set.warnings));
      for (const config of set.configurations) configProperties(config, (id) => set.byId.get(id));
    } catch (error) {
      result.problems.push(errorOf(error));
    }
  }
  for (const name of names) {
    try {
      for (const config of loader.file(name).configurations) {
        const at = fieldPos(config.fields, 'Environment variables');
        config.environmentVariables.forEach((assignment) => parseTemplate(assignment, at));
      }
    } catch (error) {
      result.problems.push(errorOf(error));
    }
  }
}

/** Lint every target; problems sorted by place, each reported once. */
export function lintTargets(targets: readonly LintTarget[], reposRoot?: string): LintResult {
  const result: LintResult = { problems: [], files: new Set() };
  for (const target of targets) {
    if (target.kind === 'repo') lintRepo(target, reposRoot, result);
    else lintPlatformConfigs(target.dir, result);
  }
  const unique = new Map(result.problems.map((p) => [`${p.severity}\0${problemText(p)}`, p]));
  result.problems = [...unique.values()].sort(byPlace);
  return result;
}

function byPlace(a: LintProblem, b: LintProblem): number {
  const [pa, pb] = [a.pos, b.pos];
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return pa.file.localeCompare(pb.file) || pa.line - pb.line || pa.column - pb.column;
}

function problemText(problem: LintProblem, shorten: (file: string) => string = (f) => f): string {
  const where = problem.pos ? `${formatPos({ ...problem.pos, file: shorten(problem.pos.file) })}: ` : '';
  return `${where}${problem.severity}: ${problem.message}`;
}

function relativeToCwd(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The result as the text `coin lint` prints: one line per problem, then the counts. */
export function formatLintResult(result: LintResult): string {
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const counts = `${plural(errors, 'error')}, ${plural(result.problems.length - errors, 'warning')}`;
  const lines = result.problems.map((p) => problemText(p, relativeToCwd));
  return [...lines, `${counts} in ${plural(result.files.size, 'file')}`].join('\n');
}

function lintJson(result: LintResult): string {
  const problems = result.problems.map((p) => ({ severity: p.severity, ...p.pos, message: p.message }));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const summary = { errors, warnings: problems.length - errors, files: result.files.size };
  return JSON.stringify({ problems, ...summary }, null, 2);
}

/** Register `coin lint` on the program. */
export function addLintCommand(program: Command, io: CliIo): void {
  program
    .command('lint')
    .description('check trees of Coin files (a repository, its coin/ directory, or platform_configs)')
    .argument('<dir...>', 'directories to check')
    .option(
      '--repos <root>',
      '{{owner/repo}} includes read <root>/owner/repo (default: two levels above each repository)',
    )
    .option('--json', 'print the problems as JSON')
    .action((dirs: string[], opts: { repos?: string; json?: boolean }) => {
      const targets = dirs.flatMap((dir) => {
        if (!isDirectory(dir)) throw io.usageError(`${dir} is not a directory`);
        const found = lintTargetsOf(path.resolve(dir));
        if (found.length > 0) return found;
        throw io.usageError(
          `${dir} holds no Coin files (give a repository with coin/, a coin/ directory or a platform_configs directory)`,
        );
      });
      const result = lintTargets(targets, opts.repos ? path.resolve(opts.repos) : undefined);
      io.out(opts.json ? lintJson(result) : formatLintResult(result));
      io.setExitCode(result.problems.some((p) => p.severity === 'error') ? 1 : 0);
    });
}
