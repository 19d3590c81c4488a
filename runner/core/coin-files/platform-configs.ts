/**
 * qt/qt5 `coin/platform_configs/*.yaml`: which platform configurations a module is tested on.
 * A file declares `Configurations:`, pulls in others with `Include:` (all of a file, or only some
 * Ids), and changes included ones with `Overrides:`. A file whose whole content is another file's
 * name (`qt5.yaml`) is an alias of it (*inferred*). Pure: files come from a PlatformConfigSource.
 */
import * as z from 'zod';
import { checkShape, copySourceInfo, parseCoinYaml, unknownKeyWarnings } from './coin-yaml';
import type { CoinFileWarning } from './coin-yaml';
import { CoinFileError, fieldPos, formatPos, posOf, setFieldPos } from './source-pos';
import type { SourcePos } from './source-pos';

/** Reads platform configuration files by name (`qtbase.yaml`). */
export interface PlatformConfigSource {
  read(name: string): { file: string; text: string } | undefined;
}

const stringOrList = z.union([z.string(), z.array(z.string())]);

const configurationSchema = z.looseObject({
  Id: z.string().optional(),
  Template: z.string(),
  Compiler: z.string(),
  'Target os': z.string().optional(),
  'Target arch': z.string().optional(),
  'Target compiler': z.string().optional(),
  Features: z.array(z.string()).optional(),
  'Configure arguments': z.string().optional(),
  'Environment variables': z.array(z.string()).optional(),
  'Environment script': stringOrList.optional(),
  'Platform dependency': stringOrList.optional(),
});

type RawConfiguration = z.infer<typeof configurationSchema>;

const idList = z.record(z.string(), z.array(z.string()));

const fileSchema = z.looseObject({
  Version: z.literal(2),
  'Module only': z.boolean().optional(),
  Include: z.union([z.array(z.union([z.string(), idList])), idList]).optional(),
  Configurations: z.array(configurationSchema).nullable().optional(),
  Overrides: z
    .array(z.looseObject({ Id: z.string() }))
    .nullable()
    .optional(),
});

const fileKeys = Object.keys(fileSchema.shape);
const configurationKeys = Object.keys(configurationSchema.shape);

/** One platform configuration, e.g. `ubuntu-22.04` on `qtci-linux-Ubuntu-22.04-x86_64-51` with GCC. */
export interface PlatformConfiguration {
  /** The `Id`; some real configurations have none. */
  readonly id: string | undefined;
  /** The Id, or `<file>#<n>` (n-th of its file, 1-based) when it has none (*inferred*). */
  readonly name: string;
  readonly template: string;
  readonly compiler: string;
  readonly targetOs: string | undefined;
  readonly targetArch: string | undefined;
  readonly targetCompiler: string | undefined;
  readonly features: readonly string[];
  readonly configureArguments: string;
  /** `NAME=value` strings, values may be templates. */
  readonly environmentVariables: readonly string[];
  /** A script and its arguments whose resulting environment is used (e.g. vcvarsall.bat amd64). */
  readonly environmentScript: readonly string[];
  /** Ids of the configurations this one depends on (a TestOnly one tests what they built). */
  readonly platformDependency: readonly string[];
  /** The file that declares it. */
  readonly source: string;
  /** The positioned raw map (after overrides). */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly pos: SourcePos | undefined;
  /** Where an `Overrides:` entry changed it. */
  readonly overriddenAt?: SourcePos;
}

/** One `Include:` entry: a whole file, or only the listed Ids of it. */
export interface PlatformInclude {
  readonly file: string;
  readonly ids?: readonly string[];
  readonly pos: SourcePos | undefined;
}

/** One `Overrides:` entry: the Id and the fields it replaces (only `Features` in the real files). */
export interface PlatformOverride {
  readonly id: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly pos: SourcePos | undefined;
}

/** One parsed file, includes not followed. */
export interface PlatformConfigFile {
  readonly name: string;
  readonly file: string;
  /** Set when the whole content is the name of another file. */
  readonly aliasOf?: string;
  readonly moduleOnly: boolean;
  readonly includes: readonly PlatformInclude[];
  readonly configurations: readonly PlatformConfiguration[];
  readonly overrides: readonly PlatformOverride[];
  readonly warnings: readonly CoinFileWarning[];
}

/** The configurations a file stands for, includes followed and overrides applied. */
export interface PlatformConfigSet {
  readonly name: string;
  readonly file: PlatformConfigFile;
  readonly configurations: readonly PlatformConfiguration[];
  readonly byId: ReadonlyMap<string, PlatformConfiguration>;
  readonly warnings: readonly CoinFileWarning[];
}

const aliasPattern = /^[\w.+-]+\.yaml$/;

/** Parse one platform configuration file; throws CoinFileError for structural mistakes. */
export function parsePlatformConfigFile(name: string, file: string, text: string): PlatformConfigFile {
  const value = parseCoinYaml(file, text);
  const empty = {
    name,
    file,
    moduleOnly: false,
    includes: [],
    configurations: [],
    overrides: [],
    warnings: [],
  };
  if (typeof value === 'string' && aliasPattern.test(value.trim()))
    return { ...empty, aliasOf: value.trim() };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CoinFileError(
      { file, line: 1, column: 1 },
      'a platform configuration file must be a map with "Version: 2", or just the name of another file',
    );
  }
  const root = checkShape(fileSchema, value, name);
  const configurations = (root.Configurations ?? []).map((raw, i) => toConfiguration(raw, name, i));
  checkUniqueIds(configurations);
  return {
    ...empty,
    moduleOnly: root['Module only'] ?? false,
    includes: includesOf(root),
    configurations,
    overrides: (root.Overrides ?? []).map((o) => ({ id: o.Id, fields: o, pos: posOf(o) })),
    warnings: [
      ...unknownKeyWarnings(root, fileKeys, name),
      ...(root.Configurations ?? []).flatMap((c) =>
        unknownKeyWarnings(c, configurationKeys, 'a configuration'),
      ),
    ],
  };
}

function toConfiguration(raw: RawConfiguration, source: string, index: number): PlatformConfiguration {
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());
  return {
    id: raw.Id,
    name: raw.Id ?? `${source}#${index + 1}`,
    template: raw.Template,
    compiler: raw.Compiler,
    targetOs: raw['Target os'],
    targetArch: raw['Target arch'],
    targetCompiler: raw['Target compiler'],
    features: raw.Features ?? [],
    configureArguments: raw['Configure arguments'] ?? '',
    environmentVariables: raw['Environment variables'] ?? [],
    environmentScript: list(raw['Environment script']),
    platformDependency: list(raw['Platform dependency']),
    source,
    fields: raw,
    pos: posOf(raw),
  };
}

function checkUniqueIds(configurations: readonly PlatformConfiguration[]): void {
  const seen = new Map<string, PlatformConfiguration>();
  for (const config of configurations) {
    if (config.id === undefined) continue;
    const first = seen.get(config.id);
    if (first) {
      const firstAt = first.pos ? ` (first at ${formatPos(first.pos)})` : '';
      throw new CoinFileError(config.pos, `duplicate configuration Id "${config.id}"${firstAt}`);
    }
    seen.set(config.id, config);
  }
}

function includesOf(root: z.infer<typeof fileSchema>): PlatformInclude[] {
  const include = root.Include;
  if (include === undefined) return [];
  const fromMap = (map: Record<string, string[]>): PlatformInclude[] =>
    Object.entries(map).map(([file, ids]) => ({ file, ids, pos: fieldPos(map, file) }));
  if (!Array.isArray(include)) return fromMap(include);
  return include.flatMap((entry, i) =>
    typeof entry === 'string' ? [{ file: entry, pos: fieldPos(include, i) }] : fromMap(entry),
  );
}

/** `config` with the fields of `override` (except Id) replacing its own. */
function withOverride(config: PlatformConfiguration, override: PlatformOverride): PlatformConfiguration {
  const merged: Record<string, unknown> = { ...config.fields };
  copySourceInfo(config.fields, merged);
  for (const [key, value] of Object.entries(override.fields)) {
    if (key === 'Id') continue;
    merged[key] = value;
    const pos = fieldPos(override.fields, key);
    if (pos) setFieldPos(merged, key, pos);
  }
  const raw = checkShape(configurationSchema, merged, `override of "${override.id}"`);
  return { ...toConfiguration(raw, config.source, 0), name: config.name, ...optionalPos(override.pos) };
}

function optionalPos(pos: SourcePos | undefined): { overriddenAt?: SourcePos } {
  return pos ? { overriddenAt: pos } : {};
}

interface OpenFile {
  readonly name: string;
  readonly site: SourcePos | undefined;
}

/** Loads platform configuration sets, caching parsed files and resolved sets. */
export class PlatformConfigLoader {
  private readonly files = new Map<string, PlatformConfigFile>();
  private readonly sets = new Map<string, PlatformConfigSet>();

  constructor(readonly source: PlatformConfigSource) {}

  /** One parsed file (cached); throws CoinFileError at `site` when it does not exist. */
  file(name: string, site?: SourcePos): PlatformConfigFile {
    const cached = this.files.get(name);
    if (cached) return cached;
    const text = this.source.read(name);
    if (!text) throw new CoinFileError(site, `no platform configuration file "${name}"`);
    const parsed = parsePlatformConfigFile(name, text.file, text.text);
    this.files.set(name, parsed);
    return parsed;
  }

  /** The configurations of `name` with includes and overrides; warns about unknown dependencies. */
  load(name: string): PlatformConfigSet {
    const set = this.resolve(name, [], undefined);
    const dependencyWarnings = set.configurations.flatMap((config) =>
      config.platformDependency
        .filter((id) => !set.byId.has(id))
        .map((id) => ({
          pos: fieldPos(config.fields, 'Platform dependency'),
          message: `platform dependency "${id}" of "${config.name}" is not a configuration of ${name} or its includes`,
        })),
    );
    return { ...set, warnings: [...set.warnings, ...dependencyWarnings] };
  }

  private resolve(name: string, open: OpenFile[], site: SourcePos | undefined): PlatformConfigSet {
    const cycleStart = open.findIndex((f) => f.name === name);
    if (cycleStart >= 0) {
      const sites = [...open.slice(cycleStart + 1).map((f) => f.site), site].filter((p) => p !== undefined);
      const chain = [...sites, sites[0]!].map((p) => `${p.file}:${p.line}`).join(' -> ');
      throw new CoinFileError(site, `platform configuration include cycle: ${chain}`);
    }
    const cached = this.sets.get(name);
    if (cached) return cached;
    const file = this.file(name, site);
    open.push({ name, site });
    const set = file.aliasOf
      ? { ...this.resolve(file.aliasOf, open, { file: file.file, line: 1, column: 1 }), name, file }
      : this.combine(file, open);
    open.pop();
    this.sets.set(name, set);
    return set;
  }

  private combine(file: PlatformConfigFile, open: OpenFile[]): PlatformConfigSet {
    const warnings: CoinFileWarning[] = [...file.warnings];
    const found: PlatformConfiguration[] = [];
    for (const include of file.includes) {
      const included = this.resolve(include.file, open, include.pos);
      warnings.push(...included.warnings);
      if (!include.ids) found.push(...included.configurations);
      for (const id of include.ids ?? []) {
        const config = included.byId.get(id);
        if (config) found.push(config);
        else warnings.push({ pos: include.pos, message: `${include.file} has no configuration "${id}"` });
      }
    }
    found.push(...file.configurations);
    const configurations = applyOverrides(uniqueDeclarations(found), file.overrides, warnings);
    return { name: file.name, file, configurations, byId: indexById(configurations, file.name), warnings };
  }
}

/** Drop a configuration reached a second time through another include path (keep the first). */
function uniqueDeclarations(configurations: PlatformConfiguration[]): PlatformConfiguration[] {
  const seen = new Set<string>();
  return configurations.filter((c) => {
    const key = `${c.source}\0${c.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function applyOverrides(
  configurations: PlatformConfiguration[],
  overrides: readonly PlatformOverride[],
  warnings: CoinFileWarning[],
): PlatformConfiguration[] {
  let result = configurations;
  for (const override of overrides) {
    if (!result.some((c) => c.id === override.id)) {
      warnings.push({ pos: override.pos, message: `override of "${override.id}" matches no configuration` });
    }
    result = result.map((c) => (c.id === override.id ? withOverride(c, override) : c));
  }
  return result;
}

function indexById(
  configurations: readonly PlatformConfiguration[],
  name: string,
): Map<string, PlatformConfiguration> {
  const byId = new Map<string, PlatformConfiguration>();
  for (const config of configurations) {
    if (config.id === undefined) continue;
    const first = byId.get(config.id);
    if (first) {
      const where = [first.pos, config.pos].map((p) => (p ? formatPos(p) : '?')).join(' and ');
      throw new CoinFileError(
        config.pos,
        `configuration Id "${config.id}" occurs twice in ${name}: ${where}`,
      );
    }
    byId.set(config.id, config);
  }
  return byId;
}
