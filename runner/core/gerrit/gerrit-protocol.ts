/**
 * Gerrit with Qt's staging workflow (gerrit-plugin-qt-workflow), as plain values: the SSH command
 * lines Coin sends and how Gerrit splits them, the output of `staging-ls` and `gerrit query
 * --format=JSON`, the events of `gerrit stream-events`, and the `ssh://user@host:port` address.
 * No I/O: runner/node/gerrit sends and receives, this part reads and writes the text.
 */
import * as z from 'zod';

/** Gerrit's SSH port when the address names none. */
export const defaultGerritSshPort = 29418;

/** Where a Gerrit's SSH interface is: `ssh://user@host:port`. */
export interface GerritAddress {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

/** Parse `ssh://user@host[:port]`; throws a readable error for anything else. */
export function parseGerritAddress(text: string): GerritAddress {
  const match = /^ssh:\/\/([^@/:\s]+)@(\[[^\]]+\]|[^:/\s]+)(?::(\d+))?\/?$/.exec(text.trim());
  if (!match) throw new Error(`expected ssh://user@host[:port], got '${text}'`);
  const port = match[3] === undefined ? defaultGerritSshPort : Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port in '${text}'`);
  return { user: match[1]!, host: match[2]!.replace(/^\[|\]$/g, ''), port };
}

/** Quote one argument so that Gerrit's command line splitter gives it back unchanged. */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./~-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One command line from arguments, each quoted as needed. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/**
 * Split a command line the way a POSIX shell would without expansions (what Gerrit's SSH daemon
 * does): single quotes are literal, double quotes allow `\"` and `\\`, a backslash outside quotes
 * escapes the next character. Throws on an unterminated quote.
 */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      current += line.slice(i + 1, end);
      i = end;
      inArg = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++;
        current += line[j];
      }
      if (j >= line.length) throw new Error('unterminated double quote');
      i = j;
      inArg = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inArg = true;
    } else if (/\s/.test(c)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args;
}

/** One line of `staging-ls`: a commit of the staging or build ref and the change it carries. */
export interface StagedCommit {
  readonly sha: string;
  readonly change: number;
  readonly patchSet: number;
  readonly subject: string;
}

/** `<sha> <change>,<patchset> <subject>` per line; other lines are errors. */
export function parseStagingLs(text: string): StagedCommit[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^([0-9a-f]{40}) (\d+),(\d+) ?(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected staging-ls line: '${line}'`);
      return { sha: match[1]!, change: Number(match[2]), patchSet: Number(match[3]), subject: match[4]! };
    });
}

/** The line `staging-ls` prints for one commit. */
export function formatStagingLsLine(commit: StagedCommit): string {
  return `${commit.sha} ${commit.change},${commit.patchSet} ${commit.subject}`;
}

const accountSchema = z.looseObject({
  name: z.string().optional(),
  email: z.string().optional(),
  username: z.string().optional(),
});
export type GerritAccount = z.infer<typeof accountSchema>;

/** The change attributes of events and queries (the fields Coin reads; others pass through). */
export const changeAttributeSchema = z.looseObject({
  project: z.string(),
  branch: z.string(),
  id: z.string().optional(),
  number: z.number().int(),
  subject: z.string().default(''),
  owner: accountSchema.optional(),
  url: z.string().optional(),
  status: z.string().optional(),
  lastUpdated: z.number().optional(),
  /** With `--comments`: the change's messages, oldest first. */
  comments: z
    .array(z.looseObject({ timestamp: z.number(), reviewer: accountSchema.optional(), message: z.string() }))
    .optional(),
  currentPatchSet: z
    .looseObject({ number: z.number().int(), revision: z.string(), ref: z.string().optional() })
    .optional(),
});
export type GerritChange = z.infer<typeof changeAttributeSchema>;

const patchSetSchema = z.looseObject({
  number: z.number().int(),
  revision: z.string(),
  ref: z.string().optional(),
});

const refUpdateSchema = z.looseObject({
  oldRev: z.string(),
  newRev: z.string(),
  refName: z.string(),
  project: z.string(),
});

/**
 * Event types of the qt-workflow plugin about a change: `{type, change, project, refName,
 * changeKey, eventCreatedOn}` and nothing else (no patch set, no account: who acted and on which
 * patch set is read from the change's messages).
 */
export const stagingEventTypes = [
  'change-staged',
  'change-unstaged',
  'change-integration-pass',
  'change-integration-fail',
] as const;

/** Core event types with a change (and a patch set and the account that acted) that Coin reads. */
export const changeEventTypes = [
  'change-merged',
  'patchset-created',
  'change-abandoned',
  'change-restored',
  'comment-added',
] as const;

const changeEventSchema = z.looseObject({
  type: z.enum([...stagingEventTypes, ...changeEventTypes]),
  change: changeAttributeSchema,
  patchSet: patchSetSchema.optional(),
  eventCreatedOn: z.number().optional(),
});

const refUpdatedSchema = z.looseObject({
  type: z.literal('ref-updated'),
  refUpdate: refUpdateSchema,
  eventCreatedOn: z.number().optional(),
});

/**
 * The plugin's `precheck` event: build and test one patch set (`patchSet`, an integer, and its
 * `commitID`) on the requested platforms; `onlybuild` (newest) or `onlyBuild` (2023) skips tests.
 */
const precheckSchema = z
  .looseObject({
    type: z.literal('precheck'),
    change: changeAttributeSchema,
    patchSet: z.number().int(),
    commitID: z.string(),
    precheckType: z.string().default('default'),
    platforms: z.string().default(''),
    onlybuild: z.boolean().optional(),
    onlyBuild: z.boolean().optional(),
    cherrypick: z.boolean().default(false),
    eventCreatedOn: z.number().optional(),
  })
  .transform(({ onlyBuild, onlybuild, ...rest }) => ({
    ...rest,
    onlybuild: onlybuild ?? onlyBuild ?? false,
  }));
export type GerritPrecheckEvent = z.output<typeof precheckSchema>;

/** A stream-events line Coin understands. */
export type GerritEvent =
  | z.infer<typeof changeEventSchema>
  | z.infer<typeof refUpdatedSchema>
  | GerritPrecheckEvent
  /** Gerrit dropped events for this stream (its queue was full): what happened must be asked again. */
  | { readonly type: 'dropped-output' }
  | { readonly type: 'unknown'; readonly originalType: string; readonly raw: unknown };

const eventSchemas: Record<string, z.ZodType<GerritEvent>> = {
  'ref-updated': refUpdatedSchema,
  precheck: precheckSchema,
};

/**
 * Parse one line of `gerrit stream-events`. Events of other types (and known types missing
 * what Coin needs) come back as `unknown` with the original type; text that is not a JSON
 * object throws.
 */
export function parseGerritEvent(line: string): GerritEvent {
  const raw: unknown = JSON.parse(line);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('a stream-events line is not a JSON object');
  const type = (raw as { type?: unknown }).type;
  const originalType = typeof type === 'string' ? type : '';
  if (originalType === 'dropped-output') return { type: 'dropped-output' };
  const parsed = (eventSchemas[originalType] ?? changeEventSchema).safeParse(raw);
  if (parsed.success) return parsed.data;
  return { type: 'unknown', originalType, raw };
}

/** The result of `gerrit query --format=JSON`: the changes and the stats line. */
export interface QueryResult {
  readonly changes: GerritChange[];
  readonly rowCount: number;
  /** Gerrit stopped at its limit: ask again with `--start <rows so far>` for the rest. */
  readonly moreChanges: boolean;
}

/** Parse `gerrit query --format=JSON` output (one change per line, then a `stats` line). */
export function parseQueryOutput(text: string): QueryResult {
  const changes: GerritChange[] = [];
  let stats: { rowCount: number; moreChanges: boolean } | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const value = JSON.parse(line) as {
      type?: unknown;
      rowCount?: unknown;
      message?: unknown;
      moreChanges?: unknown;
    };
    if (value.type === 'stats')
      stats = {
        rowCount: typeof value.rowCount === 'number' ? value.rowCount : 0,
        moreChanges: value.moreChanges === true,
      };
    else if (value.type === 'error') throw new Error(`gerrit query: ${String(value.message)}`);
    else changes.push(changeAttributeSchema.parse(value));
  }
  if (!stats) throw new Error('gerrit query output has no stats line');
  return { changes, ...stats };
}

/** Messages the plugin leaves when a change is staged (also when a PRESTAGED one is promoted). */
const stagedMessage = /^Staged for CI\b/;

/**
 * When and by whom a change was last staged, from its messages (`gerrit query --comments`); null
 * when no message says it. The cherry-pick wait starts then, not at `lastUpdated`.
 */
export function lastStaged(change: GerritChange): { at: number; by: string } | null {
  const staged = (change.comments ?? []).filter((m) => stagedMessage.test(m.message)).at(-1);
  if (!staged) return null;
  return { at: staged.timestamp * 1000, by: staged.reviewer?.email ?? '' };
}

/** `qtci/<branch>/<n>`: the build ids Coin creates. */
export function buildIdFor(branch: string, n: number): string {
  return `qtci/${branch}/${n}`;
}

/** The branch of a build id Coin created (`qtci/<branch>/<n>`); undefined for other ids. */
export function branchOfBuildId(buildId: string): string | undefined {
  return /^qtci\/(.+)\/\d+$/.exec(buildId)?.[1];
}

/** The project/branch pairs of changes (of a query of `status:staged`: those with staged changes). */
export function stagedBranches<Change extends { readonly project: string; readonly branch: string }>(
  changes: readonly Change[],
): { project: string; branch: string }[] {
  const seen = new Map<string, { project: string; branch: string }>();
  for (const c of changes) seen.set(`${c.project}\n${c.branch}`, { project: c.project, branch: c.branch });
  return [...seen.values()];
}

/** The message Coin leaves on the changes of a finished integration. */
export function integrationMessage(
  result: 'pass' | 'fail',
  taskUrl: string | null,
  reason?: string | null,
): string {
  const head = result === 'pass' ? 'Continuous Integration: Passed' : 'Continuous Integration: Failed';
  return [head, ...(reason ? ['', reason] : []), ...(taskUrl ? ['', `Details: ${taskUrl}`] : [])].join('\n');
}
