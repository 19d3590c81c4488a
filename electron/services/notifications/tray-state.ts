/** What the tray icon shows for the pinned instance: a colour and a tooltip, from plain values. */
import { assertNever } from '../../../runner/core/model';
import type { WatchedInstance } from './watched-instance';

/** The four tray icons. */
export type TrayIconKind = 'idle' | 'ok' | 'busy' | 'error';

/** The tray icon, its tooltip and the status line of its menu. */
export interface TrayState {
  icon: TrayIconKind;
  tooltip: string;
  statusLine: string;
}

function iconOf(instance: WatchedInstance): TrayIconKind {
  switch (instance.health) {
    case 'running':
      return 'ok';
    case 'starting':
    case 'stopping':
      return 'busy';
    case 'stopped':
    case 'unknown':
      return 'idle';
    case 'failed':
    case 'unreachable':
      return 'error';
    default:
      return assertNever(instance.health, 'watch health');
  }
}

function runningTasks(instance: WatchedInstance): string {
  const count =
    instance.tasks?.filter((t) => t.state === 'Running' || t.state === 'Initializing').length ?? 0;
  if (count === 0) return '';
  return count === 1 ? ', 1 integration running' : `, ${count} integrations running`;
}

/** The tray for the pinned instance, or for nothing pinned. */
export function trayStateOf(pinned: WatchedInstance | null): TrayState {
  if (!pinned)
    return { icon: 'idle', tooltip: 'Coin Admin: no instance pinned', statusLine: 'No instance pinned' };
  const statusLine = `${pinned.name}: ${pinned.health} (${pinned.detail})${runningTasks(pinned)}`;
  return { icon: iconOf(pinned), tooltip: `Coin Admin — ${statusLine}`, statusLine };
}
