import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { DashboardApp } from './dashboard/dashboard-app';
import { DashboardClient, dashboardBase } from './dashboard/dashboard-client';
import { servedByRunner } from './dashboard/served-by-runner';
import './styles.css';
// The dashboard's page rules follow the shared ones in this order, as when they were one file:
// later rules win ties, so the order is part of the styling.
import './dashboard/task-pages.css';
import './dashboard/log-lines.css';
import './dashboard/pool-pages.css';

/**
 * A runner serving the page marks it: then the page is that runner's dashboard (same-origin API
 * and WebSocket), in the main bundle so it paints without another round trip; otherwise it is the
 * desktop app talking to DeskApi, loaded on demand (it brings the DeskApi schemas).
 */
async function rootElement(): Promise<ReactNode> {
  if (servedByRunner(document))
    return <DashboardApp client={new DashboardClient(dashboardBase(window.location.href))} />;
  const [{ App }, { connectDesk }] = await Promise.all([import('./app'), import('./desk-client')]);
  return <App desk={connectDesk()} />;
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(<StrictMode>{await rootElement()}</StrictMode>);
