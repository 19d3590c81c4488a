/**
 * `coin service install`: the systemd user units that run `coin run` as the administration guide
 * expects (`systemctl --user start|stop|status coin`, `journalctl --user -u coin`), and the
 * maintenance page that answers whenever coin.service is stopped (the guide's "maintenance
 * webserver is automatically started" at a stop and stopped at a start). Why these directives and
 * not others: docs/maintenance.md, "The maintenance page under systemd".
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
/** The unit of the maintenance page: started when coin.service stops, stopped when it starts. */
export const maintenanceUnitName = 'coin-maintenance.service';

/** Where the instance listens, so the page takes its place. */
export interface MaintenanceUnitOptions {
  coinCommand: readonly string[];
  workingDir: string;
  host: string;
  port: number;
  /** What the page says (the announcement); `coin maintenance`'s default when undefined. */
  message?: string;
}

/** One argument quoted for an ExecStart= line (systemd's own quoting; `%` is a specifier). */
export function systemdQuote(arg: string): string {
  const escaped = arg.replaceAll('%', '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`).replaceAll('$', '$$$$')}"`;
}

/** A path as a path setting takes it: the whole value, unquoted; only `%` is special. */
function unitPath(file: string): string {
  return file.replaceAll('%', '%%');
}

/** The text of coin.service. */
export function unitText(options: UnitOptions): string {
  const argv = [...options.coinCommand, 'run', '--working-dir', options.workingDir, '--log-format', 'json'];
  const exec = [...argv, ...options.runArgs].map(systemdQuote).join(' ');
  return [
    '# Written by `coin service install`; run it again to change it.',
    '[Unit]',
    `Description=Coin CI instance in ${unitPath(options.workingDir)}`,
    'After=network-online.target',
    'Wants=network-online.target',
    // The page's unit conflicts with this one (stated on both sides so either file explains it).
    `Conflicts=${maintenanceUnitName}`,
    // Any end that is not an automatic restart brings the page up: a stop (inactive) or a failure
    // (after Restart= gave up). Job mode "fail": during `systemctl restart coin` the page's start
    // would have to cancel this unit's restart job, so systemd drops the page's start instead.
    `OnSuccess=${maintenanceUnitName}`,
    'OnSuccessJobMode=fail',
    `OnFailure=${maintenanceUnitName}`,
    'OnFailureJobMode=fail',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${unitPath(options.workingDir)}`,
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

/** The text of coin-maintenance.service: `coin maintenance` on the instance's address. */
export function maintenanceUnitText(options: MaintenanceUnitOptions): string {
  const argv = [
    ...options.coinCommand,
    ...['maintenance', '--working-dir', options.workingDir],
    ...['--host', options.host, '--port', String(options.port)],
    ...(options.message === undefined ? [] : ['--message', options.message]),
  ];
  return [
    '# Written by `coin service install`; run it again to change it.',
    '[Unit]',
    `Description=Coin maintenance page for ${unitPath(options.workingDir)} (while ${unitName} is stopped)`,
    // Starting coin.service stops this unit and starting this one stops coin.service; the ordering
    // makes the stop of one finish before the start of the other (systemd orders stop jobs first).
    `Conflicts=${unitName}`,
    `After=${unitName}`,
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${unitPath(options.workingDir)}`,
    `ExecStart=${argv.map(systemdQuote).join(' ')}`,
    // `coin maintenance` ends on SIGTERM with exit 0; no Restart=: it refuses to run while an
    // instance holds the directory, and retrying that would never end.
    'TimeoutStopSec=10',
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

/** Writes the unit file `name` (atomically) into `unitDir`. */
export function installUnit(text: string, unitDir: string, name: string = unitName): InstallResult {
  const file = path.join(unitDir, name);
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
