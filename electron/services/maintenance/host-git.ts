/**
 * git on an instance's host, always as `git -C DIR` and with an explicit environment: the
 * variables runner/node/child-env.ts passes on and the proxy settings (their values taken from the
 * host's own environment), plus GIT_TERMINAL_PROMPT=0 (a fetch that needs credentials fails instead of waiting for an answer
 * nobody can give) and LC_ALL=C (messages in one language). Inherited GIT_DIR, GIT_WORK_TREE,
 * GIT_INDEX_FILE and the like never reach git.
 */
import type { CommandResult, Host } from '../host/host';

/**
 * The names passed on from the host's environment: those childEnv() passes on this side, and the
 * proxy settings, since a fetch talks to the network.
 */
const passedOn = [
  ...['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'TMPDIR', 'TZ', 'SSH_AUTH_SOCK'],
  ...['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'],
];

// For each name that is set on the host, `NAME=value` is put in front of the command, then the
// whole is run under `env -i`: only those variables and ours reach git.
const cleanEnvScript = [
  `for n in ${passedOn.join(' ')}; do`,
  String.raw`  eval "[ -n \"\${$n+x}\" ] && set -- \"$n=\$$n\" \"\$@\""`,
  'done',
  'exec env -i GIT_TERMINAL_PROMPT=0 LC_ALL=C "$@"',
].join('\n');

/** argv that runs `git -C dir ...args` on a POSIX host with the explicit environment. */
export function gitArgv(dir: string, args: readonly string[]): string[] {
  return ['sh', '-c', cleanEnvScript, 'sh', 'git', '-C', dir, ...args];
}

/** argv that runs a command in `dir` on a POSIX host, in the host's own environment (npm ci). */
export function inDirArgv(dir: string, argv: readonly string[]): string[] {
  return ['sh', '-c', 'cd "$1" || exit 1; shift; exec "$@"', 'sh', dir, ...argv];
}

/** git failed: its own words. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-6).join('\n');
    super(`git ${args.join(' ')} failed${said ? `: ${said}` : ` (exit ${result.code})`}`);
    this.name = 'GitError';
  }
}

/** Runs git in `dir` on `host`; resolves to the result whatever the exit code. */
export function runGit(
  host: Host,
  dir: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return host.run(gitArgv(dir, args), { timeoutMs });
}

/** Runs git in `dir` on `host`; resolves to its stdout without the trailing newline, throws GitError on failure. */
export async function gitOutput(host: Host, dir: string, args: readonly string[]): Promise<string> {
  const result = await runGit(host, dir, args);
  if (result.code !== 0) throw new GitError(args, result);
  return result.stdout.replace(/\n$/, '');
}
