/**
 * A module's `coin/module_config.yaml` (version 2) with its includes expanded, as typed values;
 * and its `dependencies.yaml`, which names the revision of each module it builds on.
 */
import * as z from 'zod';
import { checkShape, parseCoinYaml, unknownKeyWarnings } from './coin-yaml';
import type { CoinFileWarning } from './coin-yaml';
import type { IncludeResolver } from './include-resolver';
import { expandedInstructionCount, InstructionTreeBuilder, lintInstructions } from './instruction-tree';
import type { InstructionNode } from './instruction-tree';
import { declaredPhases, phaseOrder, phaseWarnings } from './module-phases';
import { CoinFileError, fieldPos, posOf } from './source-pos';
import type { SourcePos } from './source-pos';

/** Where a module keeps its Coin configuration, relative to the repository root. */
export const moduleConfigPath = 'coin/module_config.yaml';

/** A phase of a module: Build, Test, or another one it declares such as LicenseCheck (module-phases.ts). */
export type InstructionPhase = string;

/** A module's default bound on instructions after shared includes are counted at each use. */
export const defaultMaxInstructions = 100_000;

const machineTypeSchema = z.record(z.string(), z.looseObject({ cores: z.number().int().positive() }));

/** A loaded module_config.yaml. */
export interface ModuleConfig {
  readonly repo: string;
  readonly file: string;
  readonly version: 2;
  /** The raw condition value (conditions.ts parses it); undefined accepts every configuration. */
  readonly acceptConfiguration: unknown;
  /** Agent size per phase, e.g. {Build: {cores: 8}, Test: {cores: 4}}. */
  readonly machineType: Readonly<Record<string, { readonly cores: number }>>;
  readonly tags: readonly string[];
  /** Every phase the module declares, in the order they run (module-phases.ts). */
  readonly phases: readonly InstructionPhase[];
  /** The instructions of each phase in `phases`. */
  readonly instructions: Readonly<Record<InstructionPhase, readonly InstructionNode[]>>;
  /** Problems in the file itself that do not stop loading (unknown keys). */
  readonly warnings: readonly CoinFileWarning[];
  readonly pos: SourcePos | undefined;
}

const knownKeys = ['version', 'accept_configuration', 'machine_type', 'tags', 'instructions'];

/** Load `coin/module_config.yaml` of `repo` through `includes`, expanding every include. */
export function loadModuleConfig(
  includes: IncludeResolver,
  repo: string,
  maxInstructions = defaultMaxInstructions,
): ModuleConfig {
  const { file, value } = includes.load(repo, moduleConfigPath);
  const config = moduleConfigFromValue(repo, file, value);
  const count = expandedInstructionCount(allInstructions(config));
  if (count > maxInstructions) {
    throw new CoinFileError(config.pos, `the instructions expand to ${count} (more than ${maxInstructions})`);
  }
  return config;
}

/** Type an include-expanded module_config value; throws CoinFileError for structural mistakes. */
export function moduleConfigFromValue(repo: string, file: string, value: unknown): ModuleConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CoinFileError({ file, line: 1, column: 1 }, 'module_config.yaml must be a map');
  }
  const root = value as Record<string, unknown>;
  if (root.version !== 2) {
    throw new CoinFileError(
      fieldPos(root, 'version') ?? posOf(root),
      'module_config.yaml needs "version: 2"',
    );
  }
  const byPhase = instructionsMap(root);
  const declared = declaredPhases(byPhase);
  const machineType =
    'machine_type' in root ? checkShape(machineTypeSchema, root.machine_type, 'machine_type') : {};
  const builder = new InstructionTreeBuilder();
  const instructions: Record<InstructionPhase, InstructionNode[]> = {};
  for (const phase of declared) instructions[phase] = builder.list(byPhase[phase], fieldPos(byPhase, phase));
  return {
    repo,
    file,
    version: 2,
    acceptConfiguration: root.accept_configuration ?? undefined,
    machineType,
    tags: 'tags' in root ? checkShape(z.array(z.string()), root.tags, 'tags') : [],
    phases: phaseOrder(declared),
    instructions,
    warnings: [
      ...unknownKeyWarnings(root, knownKeys, 'module_config.yaml'),
      ...phaseWarnings(byPhase, declared, root.machine_type as object | undefined),
    ],
    pos: posOf(root),
  };
}

function instructionsMap(root: Record<string, unknown>): Record<string, unknown> {
  const instructions = root.instructions;
  if (typeof instructions !== 'object' || instructions === null || Array.isArray(instructions)) {
    throw new CoinFileError(
      fieldPos(root, 'instructions'),
      'module_config.yaml needs "instructions:" with Build and Test',
    );
  }
  return instructions as Record<string, unknown>;
}

/** The top-level instructions of every phase, in run order. */
export function allInstructions(config: ModuleConfig): InstructionNode[] {
  return config.phases.flatMap((phase) => config.instructions[phase] ?? []);
}

/** Every warning of a module: its own file's, and every problem and note of its instructions. */
export function lintModuleConfig(config: ModuleConfig): CoinFileWarning[] {
  return [...config.warnings, ...lintInstructions(allInstructions(config))];
}

/**
 * Lint instruction files one by one (each file is one instruction, normally a Group), so files
 * no module config reaches are checked too; a file that fails to load becomes one warning.
 */
export function lintInstructionFiles(
  includes: IncludeResolver,
  repo: string,
  paths: readonly string[],
): CoinFileWarning[] {
  const builder = new InstructionTreeBuilder();
  const nodes: InstructionNode[] = [];
  const failures: CoinFileWarning[] = [];
  for (const path of paths) {
    try {
      const { file, value } = includes.load(repo, path);
      nodes.push(builder.instruction(value, { file, line: 1, column: 1 }));
    } catch (error) {
      if (!(error instanceof CoinFileError)) throw error;
      failures.push({ pos: error.pos, message: error.problem });
    }
  }
  return [...failures, ...lintInstructions(nodes)];
}

/** One entry of a module's dependencies.yaml. */
export interface ModuleDependency {
  /** As written, e.g. `../qtbase`. */
  readonly path: string;
  /** The module name, e.g. `qtbase`. */
  readonly module: string;
  readonly ref: string;
  readonly required: boolean;
  readonly pos: SourcePos | undefined;
}

const dependenciesSchema = z.looseObject({
  dependencies: z.record(z.string(), z.looseObject({ ref: z.string(), required: z.boolean().optional() })),
});

/** Parse `dependencies.yaml`: `dependencies: {../qtbase: {ref: <sha>, required: true}}`. */
export function parseModuleDependencies(file: string, text: string): ModuleDependency[] {
  const root = checkShape(dependenciesSchema, parseCoinYaml(file, text), 'dependencies.yaml');
  return Object.entries(root.dependencies).map(([path, entry]) => ({
    path,
    module: path.split('/').filter(Boolean).pop() ?? path,
    ref: entry.ref,
    required: entry.required ?? true,
    pos: fieldPos(root.dependencies, path),
  }));
}
