/** Small formatting helpers of the Instances area. */
import type { ServiceActiveState } from '../../../../electron/common/instance-schemas';

/** How long ago an ISO time was: '5 min ago', '2 h ago', '3 d ago'. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** The badge class of a service state: ok when running, fail when failed, warn in between. */
export function stateTone(state: ServiceActiveState): 'ok' | 'warn' | 'fail' | 'muted' {
  if (state === 'active') return 'ok';
  if (state === 'failed') return 'fail';
  if (state === 'inactive' || state === 'unknown') return 'muted';
  return 'warn';
}

/** A time of day (local) for journal lines. */
export function timeOfDay(ms: number | null): string {
  if (ms === null) return '--:--:--';
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
