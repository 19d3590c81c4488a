import type { AppInfo } from '../../../electron/common/desk-api';
import type { CallState } from '../use-desk-call';

/** The bottom bar: version and shell of the app, or why they could not be read. */
export function StatusBar({ info }: { info: CallState<AppInfo> }) {
  let text: string;
  if (info.status === 'error') text = `DeskApi unavailable: ${info.message}`;
  else if (!info.data) text = 'Connecting...';
  else {
    const d = info.data;
    const revision = d.revision ? ` (${d.revision})` : '';
    const shell = d.shell === 'electron' ? `Electron ${d.electronVersion ?? ''}` : 'browser host';
    text = `${d.name} ${d.version}${revision} · ${shell} · Node ${d.nodeVersion} · ${d.platform}`;
  }
  return (
    <footer
      className={`status-bar ${info.status === 'error' ? 'status-error' : ''}`}
      role="status"
      data-testid="status-bar"
    >
      {text}
    </footer>
  );
}
