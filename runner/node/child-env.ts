/**
 * The environment handed to child processes (git, agents, commands). Built explicitly, never by
 * spreading process.env: inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE, ...) would point git
 * at the wrong repository, and simple-git refuses some of them outright.
 *
 * ELECTRON_RUN_AS_NODE passes on: a packaged app runs the runner as its own executable in Node
 * mode, and the agents, the maintenance server and `coin service` daemons it starts run that same
 * executable (process.execPath), which without it would start the desktop app instead.
 */
const passThrough = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'TZ',
  'SSH_AUTH_SOCK',
  'TERM',
  'ELECTRON_RUN_AS_NODE',
];

/** A clean environment for a child process, with `extra` on top. */
export function childEnv(
  extra: Record<string, string> = {},
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of passThrough) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
