/** OpenSSH host patterns (`*`, `?`), as ssh_config `Host` lines and known_hosts host fields use them. */

/** Whether `name` matches one pattern (case-insensitive unless asked otherwise). */
export function matchesPattern(name: string, pattern: string, ignoreCase = true): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(name);
}
