import { useEffect, useMemo, useState } from 'react';
import { AgentsPage } from './agents-page';
import type { DashboardClient } from './dashboard-client';
import { EventStream } from './event-stream';
import { GerritPage } from './gerrit-page';
import { servedAtSeq, servedAtStream } from './served-by-runner';
import { LogPage } from './log-page';
import { parseRoute, routeHash, type DashboardRoute } from './route';
import { StoragePage } from './storage-page';
import { AuditPage } from './audit-page';
import { TaskDetailPage } from './task-detail-page';
import { TaskListPage } from './task-list-page';
import { TestPage } from './test-page';
import { TestsPage } from './tests-page';
import { DashboardContext, useDashboard, useStreamListener, useStreamStatus } from './use-dashboard';

/** The route in the address bar's hash, following back/forward. */
function useRoute(): DashboardRoute {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const sections = [
  { page: 'integrations', title: 'Integrations', hash: '#/integrations' },
  { page: 'tests', title: 'Tests', hash: '#/tests' },
  { page: 'agents', title: 'Agents', hash: '#/agents' },
  { page: 'storage', title: 'Storage', hash: '#/storage' },
  { page: 'gerrit', title: 'Gerrit', hash: '#/gerrit' },
  { page: 'audit', title: 'Audit', hash: '#/audit' },
] as const;

/** Which navigation entry a route belongs to. */
function sectionOf(route: DashboardRoute): string {
  if (route.page === 'test') return 'tests';
  return route.page === 'task' || route.page === 'log' ? 'integrations' : route.page;
}

function Page({ route }: { route: DashboardRoute }) {
  switch (route.page) {
    case 'integrations':
      return <TaskListPage key={routeHash(route)} filters={route.filters} />;
    case 'task':
      return <TaskDetailPage key={route.taskId} taskId={route.taskId} />;
    case 'log':
      return <LogPage key={route.workItemId} workItemId={route.workItemId} line={route.line} />;
    case 'agents':
      return <AgentsPage />;
    case 'storage':
      return <StoragePage />;
    case 'gerrit':
      return <GerritPage />;
    case 'audit':
      return <AuditPage />;
    case 'tests':
      return <TestsPage key={route.search ?? ''} search={route.search} />;
    case 'test':
      return <TestPage key={route.name} name={route.name} />;
  }
}

/** The bottom bar: whether the page is live, and the newest event it has seen. */
function ConnectionBar() {
  const { stream } = useDashboard();
  const status = useStreamStatus();
  const [seq, setSeq] = useState(stream.lastSeq);
  useStreamListener({ event: (e) => setSeq(e.seq), status: () => setSeq(stream.lastSeq ?? 0) });
  const text =
    status === 'live'
      ? `Live · Coin instance at ${window.location.host} · events up to #${seq ?? 0}`
      : status === 'connecting'
        ? 'Connecting to the Coin instance…'
        : 'Connection lost: reconnecting; the page catches up with what it missed when the instance answers';
  return (
    <footer
      className={`status-bar ${status === 'live' ? '' : 'status-error'}`}
      role="status"
      data-testid="status-bar"
    >
      {text}
    </footer>
  );
}

/** The dashboard a runner serves: integrations, agents, storage and docs, live over the event stream. */
export function DashboardApp({ client }: { client: DashboardClient }) {
  const stream = useMemo(
    () =>
      new EventStream(
        (since) => client.eventsUrl(since),
        undefined,
        servedAtSeq(document),
        servedAtStream(document),
      ),
    [client],
  );
  const dashboard = useMemo(() => ({ client, stream }), [client, stream]);
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  const route = useRoute();
  const current = sectionOf(route);
  return (
    <DashboardContext.Provider value={dashboard}>
      <div className="frame" data-mode="dashboard">
        <nav className="sidebar" aria-label="Dashboard">
          <div className="brand">Coin</div>
          <ul>
            {sections.map((s) => (
              <li key={s.page}>
                <a
                  href={s.page === 'integrations' ? routeHash({ page: 'integrations', filters: {} }) : s.hash}
                  aria-current={s.page === current ? 'page' : undefined}
                >
                  {s.title}
                </a>
              </li>
            ))}
            <li>
              <a href={client.docsUrl()} target="_blank" rel="noopener">
                Documentation <span aria-hidden="true">↗</span>
              </a>
            </li>
          </ul>
        </nav>
        <main className="content">
          <Page route={route} />
        </main>
        <ConnectionBar />
      </div>
    </DashboardContext.Provider>
  );
}
