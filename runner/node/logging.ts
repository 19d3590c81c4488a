/**
 * The instance log: structured JSON lines on stdout (journald keeps them when Coin runs as a
 * service), a readable coloured format when stdout is a terminal.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** A logger for `coin run`; `format` forces a format, else it follows whether stdout is a TTY. */
export function createLogger(format: 'json' | 'pretty' | 'auto' = 'auto', level = 'info'): Logger {
  const usePretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  if (!usePretty) return pino({ level, base: { pid: process.pid } });
  return pino(
    { level },
    pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }),
  );
}
