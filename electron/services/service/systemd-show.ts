/**
 * `systemctl --user show coin.service -p ...` output (KEY=value lines, timestamps as systemctl
 * prints them) turned into the service status the app shows.
 */
import {
  serviceActiveStateSchema,
  type ServiceActiveState,
  type ServiceStatus,
} from '../../common/instance-schemas';

/** The properties the app asks systemd for. */
export const systemdStatusProperties = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'StateChangeTimestamp',
  'ActiveEnterTimestamp',
  'ActiveExitTimestamp',
  'InactiveEnterTimestamp',
  'InactiveExitTimestamp',
  'ExecMainPID',
  'ExecMainCode',
  'ExecMainStatus',
  'UnitFileState',
  'NRestarts',
] as const;

/** KEY=value lines as a map (a value may itself contain '='). */
export function parseShowOutput(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1));
  }
  return values;
}

const weekday = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const stamp = new RegExp(
  `^(?:${weekday} )?(\\d{4})-(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))? (UTC|GMT|[+-]\\d{2}:?\\d{2})$`,
);

/**
 * A systemd timestamp as milliseconds since the epoch: `Tue 2026-11-24 09:12:03 UTC` (what
 * systemctl prints with TZ=UTC), a numeric offset, or `@1732439523` (--timestamp=unix). Null for
 * empty, `n/a`, `0` and zone names that cannot be resolved without the host's zone database.
 */
export function parseSystemdTimestamp(value: string | undefined): number | null {
  const text = value?.trim() ?? '';
  const unix = /^@(\d+)$/.exec(text);
  if (unix) return Number(unix[1]) * 1000;
  const m = stamp.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '0', zone = 'UTC'] = m;
  const utc = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.padEnd(3, '0').slice(0, 3)),
  );
  return utc - zoneOffsetMinutes(zone) * 60_000;
}

function zoneOffsetMinutes(zone: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

// Which timestamp says when the unit entered the state it is in (for systemd without StateChangeTimestamp).
const enteredAt: Record<ServiceActiveState, string> = {
  active: 'ActiveEnterTimestamp',
  reloading: 'ActiveEnterTimestamp',
  activating: 'InactiveExitTimestamp',
  deactivating: 'ActiveExitTimestamp',
  inactive: 'InactiveEnterTimestamp',
  failed: 'InactiveEnterTimestamp',
  unknown: 'StateChangeTimestamp',
};

/** The service status from `systemctl show` output. */
export function systemdStatusFrom(text: string): ServiceStatus {
  const v = parseShowOutput(text);
  const parsedState = serviceActiveStateSchema.safeParse(v.get('ActiveState'));
  const state: ServiceActiveState = parsedState.success ? parsedState.data : 'unknown';
  const since =
    parseSystemdTimestamp(v.get('StateChangeTimestamp')) ?? parseSystemdTimestamp(v.get(enteredAt[state]));
  const pid = Number(v.get('ExecMainPID') ?? '0');
  return {
    manager: 'systemd',
    state,
    subState: v.get('SubState') ?? 'unknown',
    since: since === null ? null : new Date(since).toISOString(),
    pid: Number.isInteger(pid) && pid > 0 ? pid : null,
    port: null,
    detail: systemdDetail(v, state),
  };
}

const exitCodes: Record<string, string> = {
  '1': 'exited',
  '2': 'killed by signal',
  '3': 'dumped core on signal',
};

function systemdDetail(v: Map<string, string>, state: ServiceActiveState): string {
  const unit = v.get('Id') || 'coin.service';
  if (v.get('LoadState') && v.get('LoadState') !== 'loaded')
    return `${unit} is ${v.get('LoadState')}: install it with coin service install`;
  const parts = [`${unit} ${state} (${v.get('SubState') ?? '?'})`];
  const result = v.get('Result');
  if (result && result !== 'success') parts.push(`result: ${result}`);
  const how = exitCodes[v.get('ExecMainCode') ?? ''];
  if (how && state !== 'active') parts.push(`main process ${how} ${v.get('ExecMainStatus') ?? '?'}`);
  const restarts = Number(v.get('NRestarts') ?? '0');
  if (restarts > 0) parts.push(`restarted ${restarts} time(s)`);
  if (v.get('UnitFileState')) parts.push(`unit file ${v.get('UnitFileState')}`);
  return parts.join('; ');
}
