/** Commands for a POSIX shell on the other end of an SSH connection. */

/** One argument quoted for sh: unchanged when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** argv as one sh command line. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * argv wrapped so that it ends when our side closes its standard input or the connection drops
 * (sshd closes the pipe either way): a watcher reads stdin to its end, then sends SIGTERM. Without
 * it a `tail -F` or `journalctl -f` would run on until its next write hit a closed pipe.
 */
export function stoppableCommand(argv: readonly string[]): string {
  const script = [
    'exec 3<&0',
    '"$@" </dev/null 3<&- &',
    'p=$!',
    '{ cat <&3 >/dev/null 2>&1; kill -TERM "$p" 2>/dev/null; } &',
    'w=$!',
    'exec 3<&-',
    'wait "$p"; s=$?',
    'kill "$w" 2>/dev/null',
    'exit "$s"',
  ].join('\n');
  return shellCommand(['sh', '-c', script, 'sh', ...argv]);
}
