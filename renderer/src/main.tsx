import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { DashboardApp } from './dashboard/dashboard-app';
import { DashboardClient, dashboardBase, servedByRunner } from './dashboard/dashboard-client';
import { connectDesk } from './desk-client';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
// A runner serving the page marks it: then the page is that runner's dashboard (same-origin API
// and WebSocket); otherwise it is the desktop app talking to DeskApi.
createRoot(container).render(
  <StrictMode>
    {servedByRunner(document) ? (
      <DashboardApp client={new DashboardClient(dashboardBase(window.location.href))} />
    ) : (
      <App desk={connectDesk()} />
    )}
  </StrictMode>,
);
