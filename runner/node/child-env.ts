/**
 * The environment handed to child processes (git, agents, commands). Built explicitly, never by
 * spreading process.env: inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE, ...) would point git
 * at the wrong repository, and simple-git refuses some of them outright.
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
