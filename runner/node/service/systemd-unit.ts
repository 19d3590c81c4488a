/**
 * `coin service install`: the systemd user unit that runs `coin run` as the administration guide
 * expects (`systemctl --user start|stop|status coin`, `journalctl --user -u coin`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What the unit runs. */
export interface UnitOptions {
  /** argv of the `coin` CLI (node and coin.mjs of this installation). */
  coinCommand: readonly string[];
  workingDir: string;
  /** Options of `coin run` besides --working-dir and --log-format. */
  runArgs: readonly string[];
}

/** The name of the unit: `systemctl --user start coin` finds it. */
export const unitName = 'coin.service';

/** One argument quoted for an ExecStart= line (systemd's own quoting; `%` is a specifier). */
export function systemdQuote(arg: string): string {
  const escaped = arg.replaceAll('%', '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`).replaceAll('$', '$$$$')}"`;
}

/** The text of coin.service. */
export function unitText(options: UnitOptions): string {
  const argv = [...options.coinCommand, 'run', '--working-dir', options.workingDir, '--log-format', 'json'];
  const exec = [...argv, ...options.runArgs].map(systemdQuote).join(' ');
  return [
    '# Written by `coin service install`; run it again to change it.',
    '[Unit]',
    `Description=Coin CI instance in ${options.workingDir.replaceAll('%', '%%')}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${systemdQuote(options.workingDir)}`,
    `ExecStart=${exec}`,
    // The instance stops its agents on SIGTERM; whatever is left after the timeout is killed.
    'KillMode=mixed',
    'TimeoutStopSec=90',
    'Restart=on-failure',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** Where systemd looks for user units: $XDG_CONFIG_HOME/systemd/user, ~/.config/systemd/user by default. */
export function userUnitDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(config, 'systemd', 'user');
}

/** What install did. */
export interface InstallResult {
  path: string;
  /** 'created', 'replaced' or 'unchanged'. */
  outcome: 'created' | 'replaced' | 'unchanged';
}

/** Writes the unit file (atomically) into `unitDir`. */
export function installUnit(text: string, unitDir: string): InstallResult {
  const file = path.join(unitDir, unitName);
  let previous: string | undefined;
  try {
    previous = fs.readFileSync(file, 'utf8');
  } catch {
    previous = undefined;
  }
  if (previous === text) return { path: file, outcome: 'unchanged' };
  fs.mkdirSync(unitDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o644 });
  fs.renameSync(temp, file);
  return { path: file, outcome: previous === undefined ? 'created' : 'replaced' };
}

/** What to run next, including the advice that keeps the service up after logout. */
export function installAdvice(user: string): string[] {
  return [
    'systemctl --user daemon-reload',
    'systemctl --user enable --now coin',
    `loginctl enable-linger ${user}   # keep the user's services running after logout (needs root or polkit)`,
  ];
}
