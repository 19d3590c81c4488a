/**
 * The SSH commands of the Gerrit fake, parsed as Gerrit parses them (long options and the
 * plugin's short aliases, `--name value` or `--name=value`) and run on the model (fake-state.ts):
 * `gerrit-plugin-qt-workflow ping | staging-ls | staging-new-build | staging-approve |
 * staging-rebuild | stage | ci-status-update`, `gerrit query` and `gerrit review`. What they print
 * is returned; a GerritRefusal becomes `fatal: ...` with exit 1 (gerrit-fake.ts).
 */
import { formatStagingLsLine } from '../../../runner/core/gerrit/gerrit-protocol';
import { GerritRefusal, type FakeAccount, type FakeGerritState } from './fake-state';

/** Options that take no value. */
const flags = new Set([
  'current-patch-set',
  'patch-sets',
  'all-approvals',
  'comments',
  'files',
  'all-reviewers',
]);

/** The plugin's short option aliases, per command. */
const aliases: Record<string, Record<string, string>> = {
  'staging-ls': { p: 'project', b: 'branch', d: 'destination' },
  'staging-new-build': { p: 'project', s: 'staging-branch', i: 'build-id' },
  'staging-approve': { p: 'project', b: 'branch', i: 'build-id', r: 'result', m: 'message' },
  'staging-rebuild': { p: 'project', b: 'branch' },
  'ci-status-update': { i: 'input' },
  query: { S: 'start' },
  review: { m: 'message' },
};

/** Options of a command: `--name value` / `--name=value` / `-x value` pairs, flags, and positionals. */
export function parseOptions(
  command: string,
  args: readonly string[],
): { opts: Map<string, string>; rest: string[] } {
  const opts = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const short = /^-(\w)$/.exec(arg)?.[1];
    const name = short ? aliases[command]?.[short] : arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name === undefined) {
      if (arg.startsWith('-') && arg !== '-') throw new GerritRefusal(`"${arg}" is not a valid option`, 400);
      rest.push(arg);
      continue;
    }
    const eq = name.indexOf('=');
    if (eq > 0) opts.set(name.slice(0, eq), name.slice(eq + 1));
    else if (!flags.has(name) && i + 1 < args.length) opts.set(name, args[++i]!);
    else opts.set(name, '');
  }
  return { opts, rest };
}

function required(opts: Map<string, string>, name: string): string {
  const value = opts.get(name);
  if (value === undefined || value === '') throw new GerritRefusal(`option "--${name}" is required`, 400);
  return value;
}

/** The input of a command that reads stdin (`--message -`). */
export type ReadStdin = () => Promise<string>;

async function stagingApprove(
  state: FakeGerritState,
  opts: Map<string, string>,
  user: FakeAccount,
  stdin: ReadStdin,
) {
  const result = required(opts, 'result');
  if (result !== 'pass' && result !== 'fail')
    throw new GerritRefusal('result argument accepts only value pass or fail.', 400);
  let message = opts.get('message') ?? '';
  if (message === '-') message = await stdin();
  const project = required(opts, 'project').replace(/\.git$/, '');
  const sha = await state.approve(
    project,
    required(opts, 'branch'),
    required(opts, 'build-id'),
    result,
    message,
    user,
  );
  return sha ? `${sha}\n` : '';
}

async function plugin(
  state: FakeGerritState,
  command: string,
  args: string[],
  user: FakeAccount,
  stdin: ReadStdin,
): Promise<string> {
  const { opts, rest } = parseOptions(command, args);
  const project = () => required(opts, 'project').replace(/\.git$/, '');
  switch (command) {
    case 'ping':
      return 'pong\n';
    case 'staging-ls': {
      const list = await state.stagingLs(project(), required(opts, 'branch'), required(opts, 'destination'));
      return list.map((c) => `${formatStagingLsLine(c)}\n`).join('');
    }
    case 'staging-new-build':
      await state.newBuild(project(), required(opts, 'staging-branch'), required(opts, 'build-id'), user);
      return '';
    case 'staging-approve':
      return stagingApprove(state, opts, user, stdin);
    case 'staging-rebuild':
      await state.rebuild(project(), required(opts, 'branch'), user);
      return '';
    case 'stage':
      if (rest.length === 0) throw new GerritRefusal('no changes to stage', 400);
      await state.stage(rest, user);
      return '';
    case 'ci-status-update':
      state.ciStatusUpdate(required(opts, 'input'), user);
      return '';
    default:
      throw new GerritRefusal(`gerrit-plugin-qt-workflow: ${command}: not found`, 404);
  }
}

/** `gerrit query --format=JSON [--current-patch-set] [--comments] [--start N] <query...>`. */
function query(state: FakeGerritState, args: string[]): string {
  const { opts, rest } = parseOptions('query', args);
  if (opts.get('format')?.toUpperCase() !== 'JSON')
    throw new GerritRefusal('only --format=JSON is implemented', 400);
  const shape = { currentPatchSet: opts.has('current-patch-set'), comments: opts.has('comments') };
  try {
    const page = state.query(rest.join(' '), Number(opts.get('start') ?? 0));
    const stats = {
      type: 'stats',
      rowCount: page.changes.length,
      runTimeMilliseconds: 1,
      moreChanges: page.moreChanges,
    };
    return [...page.changes.map((c) => state.changeAttribute(c, shape)), stats]
      .map((l) => `${JSON.stringify(l)}\n`)
      .join('');
  } catch (error) {
    if (!(error instanceof GerritRefusal)) throw error;
    return `${JSON.stringify({ type: 'error', message: error.message })}\n`;
  }
}

/** `gerrit review <change>,<ps> --message <text>`: a change message on that patch set. */
async function review(state: FakeGerritState, args: string[], user: FakeAccount, stdin: ReadStdin) {
  const { opts, rest } = parseOptions('review', args);
  let message = opts.get('message') ?? '';
  if (message === '-') message = await stdin();
  for (const target of rest) {
    const [number, ps] = target.split(',');
    const change = state.find(number!);
    state.revision(change, ps ?? 'current');
    state.review(change, message, user);
  }
  return '';
}

/** Run one command line's words; what it prints. */
export async function runFakeCommand(
  state: FakeGerritState,
  argv: string[],
  user: FakeAccount,
  stdin: ReadStdin,
): Promise<string> {
  const [group, command, ...args] = argv;
  if (group === 'gerrit-plugin-qt-workflow') return plugin(state, command ?? '', args, user, stdin);
  if (group === 'gerrit' && command === 'query') return query(state, args);
  if (group === 'gerrit' && command === 'review') return review(state, args, user, stdin);
  throw new GerritRefusal(`${group ?? ''} ${command ?? ''}: not found`, 404);
}
