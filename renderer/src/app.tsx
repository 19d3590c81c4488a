import { useCallback } from 'react';
import type { DeskApi } from '../../electron/common/desk-api';
import { areas } from './areas';
import { ConfigurationArea } from './areas/configuration/configuration-area';
import { InstanceDashboardArea } from './areas/dashboard/instance-dashboard-area';
import { InstancesArea } from './areas/instances-area';
import { MaintenanceArea } from './areas/maintenance/maintenance-area';
import { ShellContext } from './components/shell-context';
import { StatusBar } from './components/status-bar';
import { useDeskCall } from './use-desk-call';
import { useHashArea } from './use-hash-area';

/** The application frame: navigation, the current area, and a status bar. */
export function App({ desk }: { desk: DeskApi }) {
  const current = useHashArea();
  const [info] = useDeskCall(useCallback(() => desk.appInfo({}), [desk]));
  const spec = areas.find((a) => a.id === current) ?? areas[0]!;
  const fills = current === 'integrations' || current === 'agents' || current === 'maintenance';
  return (
    <ShellContext.Provider value={info.data?.shell}>
      <div className="frame">
        <nav className="sidebar" aria-label="Areas">
          <div className="brand">Coin Admin</div>
          <ul>
            {areas.map((area) => (
              <li key={area.id}>
                <a href={`#/${area.id}`} aria-current={area.id === current ? 'page' : undefined}>
                  {area.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main className={`content ${fills ? 'content-fill' : ''}`} aria-labelledby="area-title">
          <header className="area-header">
            <h1 id="area-title">{spec.title}</h1>
            <p>{spec.summary}</p>
          </header>
          {current === 'instances' ? (
            <InstancesArea desk={desk} />
          ) : current === 'configuration' ? (
            <ConfigurationArea desk={desk} />
          ) : current === 'maintenance' ? (
            <MaintenanceArea desk={desk} />
          ) : (
            <InstanceDashboardArea key={current} desk={desk} area={current} />
          )}
        </main>
        <StatusBar info={info} />
      </div>
    </ShellContext.Provider>
  );
}
