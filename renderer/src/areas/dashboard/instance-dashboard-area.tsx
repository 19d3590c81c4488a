/**
 * The Integrations, Agents and Maintenance areas: an instance's dashboard pages inside the window.
 * The instance is picked at the top (the runners the app hosts and the saved profiles; the pinned
 * one first time); the pages are the web dashboard's own, reading through the app (DeskApi), so a
 * production master is shown through the profile's SSH connection and never has to be exposed.
 * A task's Cancel, Re-run and Retry failed go through the app too (dashboard:control): the app's
 * process holds the instance's admin token, so the user confirms and never pastes one. The
 * Integrations area also shows the instance's audit trail (who did what, from where). A failed
 * task's "Draft bug report" is drafted by the app too: it knows the profile's tracker URL and the
 * versions.
 */
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { DashboardTargetInfo } from '../../../../electron/common/dashboard-bridge-contract';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { WatchTarget } from '../../../../electron/common/local-runner-contract';
import type { BugReportSource } from '../../../../runner/core/bug-report';
import { instancePaths } from '../../../../runner/core/instance-api';
import { AgentsPage } from '../../dashboard/agents-page';
import { AuditPage } from '../../dashboard/audit-page';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { EventStream } from '../../dashboard/event-stream';
import { GerritPage } from '../../dashboard/gerrit-page';
import { LogPage } from '../../dashboard/log-page';
import { parseRoute, routeHash } from '../../dashboard/route';
import { TaskDetailPage } from '../../dashboard/task-detail-page';
import { TaskListPage } from '../../dashboard/task-list-page';
import { TestPage } from '../../dashboard/test-page';
import { TestsPage } from '../../dashboard/tests-page';
import { DashboardContext, useStreamStatus } from '../../dashboard/use-dashboard';
import { useDeskCall } from '../../use-desk-call';
import { draftForTarget } from '../maintenance/bug-report-sources';
import { deskSocketFactory, deskTransport } from './desk-dashboard-link';
import './instance-dashboard.css';

const storageKey = 'coin-admin-dashboard-target';

export function targetKey(target: WatchTarget): string {
  return target.kind === 'profile' ? `profile:${target.profileId}` : `local-runner:${target.workingDir}`;
}

function remembered(): string | null {
  try {
    return window.localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

function remember(key: string): void {
  try {
    window.localStorage.setItem(storageKey, key);
  } catch {
    // Private mode: the choice lasts as long as the page.
  }
}

/** Make `target` the instance the Integrations, Agents and Maintenance areas show next. */
export function rememberDashboardTarget(target: WatchTarget): void {
  remember(targetKey(target));
}

/** The choice of instance: the remembered one, else the pinned one, else the first reachable. */
export function initialTarget(
  targets: readonly DashboardTargetInfo[],
  rememberedKey: string | null,
  pinned: WatchTarget | null,
): DashboardTargetInfo | undefined {
  const byKey = (key: string | null) => targets.find((t) => targetKey(t.target) === key);
  return (
    byKey(rememberedKey) ??
    (pinned ? byKey(targetKey(pinned)) : undefined) ??
    targets.find((t) => t.available) ??
    targets[0]
  );
}

/** The route in the hash, following back/forward and the pages' own links. */
function useDashboardRoute() {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}

type IntegrationsPage = 'tasks' | 'tests' | 'gerrit' | 'audit';

/** Integrations: the task list, Gerrit's side of the instance, or its audit trail. */
function IntegrationsNav({ current }: { current: IntegrationsPage }) {
  const link = (page: IntegrationsPage, href: string, label: string) => (
    <a href={href} aria-current={current === page ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <nav className="crumbs" aria-label="Integrations">
      {link('tasks', '#/integrations', 'Tasks')} · {link('tests', '#/tests', 'Tests')} ·{' '}
      {link('gerrit', '#/gerrit', 'Gerrit')} · {link('audit', '#/audit', 'Audit')}
    </nav>
  );
}

function AreaPage({ area }: { area: 'integrations' | 'agents' }) {
  const route = useDashboardRoute();
  if (area === 'agents') return <AgentsPage />;
  if (route.page === 'gerrit')
    return (
      <>
        <IntegrationsNav current="gerrit" />
        <GerritPage />
      </>
    );
  if (route.page === 'audit')
    return (
      <>
        <IntegrationsNav current="audit" />
        <AuditPage />
      </>
    );
  switch (route.page) {
    case 'tests':
    case 'test':
      return (
        <>
          <IntegrationsNav current="tests" />
          {route.page === 'test' ? (
            <TestPage key={route.name} name={route.name} />
          ) : (
            <TestsPage search={route.search} />
          )}
        </>
      );
    case 'task':
      return <TaskDetailPage key={route.taskId} taskId={route.taskId} />;
    case 'log':
      return <LogPage key={route.workItemId} workItemId={route.workItemId} line={route.line} />;
    case 'integrations':
      return (
        <>
          <IntegrationsNav current="tasks" />
          <TaskListPage key={routeHash(route)} filters={route.filters} />
        </>
      );
    default:
      return <TaskListPage filters={{}} />;
  }
}

function LiveLine({ info, base }: { info: DashboardTargetInfo; base: string }) {
  const status = useStreamStatus();
  const text =
    status === 'live'
      ? `Live · ${info.label} · ${info.detail}`
      : status === 'connecting'
        ? `Connecting to ${info.label}…`
        : `Connection to ${info.label} lost: reconnecting; the pages catch up with what they missed`;
  return (
    <p
      className={`dashboard-live ${status === 'live' ? '' : 'status-error'}`}
      role="status"
      data-testid="dashboard-live"
    >
      {text} ·{' '}
      <a href={base} target="_blank" rel="noopener noreferrer">
        Open in the browser <span aria-hidden="true">↗</span>
      </a>
    </p>
  );
}

/** The pages of one reachable instance, with its client and event stream. */
function ConnectedDashboard({
  desk,
  info,
  base,
  children,
}: {
  desk: DeskApi;
  info: DashboardTargetInfo;
  base: string;
  children: ReactNode;
}) {
  const dashboard = useMemo(() => {
    const client = new DashboardClient(base, deskTransport(desk, info.target));
    const stream = new EventStream((since) => client.eventsUrl(since), deskSocketFactory(desk, info.target));
    const control = (taskId: string, action: 'cancel' | 'rerun' | 'retry', reason: string) =>
      desk.dashboardControl({ target: info.target, taskId, action, ...(reason ? { reason } : {}) });
    const draftBugReport = (source: BugReportSource) => draftForTarget(desk, info.target, info.label, source);
    return { client, stream, control, draftBugReport };
  }, [desk, info.target, info.label, base]);
  useEffect(() => {
    dashboard.stream.start();
    return () => dashboard.stream.stop();
  }, [dashboard]);
  return (
    <DashboardContext.Provider value={dashboard}>
      <LiveLine info={info} base={base} />
      <div className="dashboard-pages">{children}</div>
    </DashboardContext.Provider>
  );
}

/** Reach the instance once (through its tunnel for a profile), then show `children` connected to it. */
export function TargetDashboard({
  desk,
  info,
  children,
}: {
  desk: DeskApi;
  info: DashboardTargetInfo;
  children: ReactNode;
}) {
  const probe = useCallback(
    () => desk.dashboardGet({ target: info.target, path: instancePaths.tasks({ max: 1 }) }),
    [desk, info],
  );
  const [reached, retry] = useDeskCall(probe);
  if (reached.status === 'loading' && !reached.data)
    return (
      <p className="empty" role="status">
        Reaching {info.label} ({info.detail})…
      </p>
    );
  if (reached.status === 'error')
    return (
      <div className="card error-card" role="alert" data-testid="dashboard-unreachable">
        <h2>{info.label} cannot be shown</h2>
        <p>{reached.message}</p>
        <button type="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  return (
    <ConnectedDashboard desk={desk} info={info} base={reached.data!.base}>
      {children}
    </ConnectedDashboard>
  );
}

/**
 * An area about one instance: the picker at the top (remembered across areas), then `children` for
 * the chosen instance, or why it cannot be shown.
 */
export function InstanceArea({
  desk,
  testId,
  children,
}: {
  desk: DeskApi;
  testId: string;
  children: (current: DashboardTargetInfo) => ReactNode;
}) {
  const load = useCallback(
    async () => ({ ...(await desk.dashboardTargets({})), settings: await desk.watchRead({}) }),
    [desk],
  );
  const [targets, reload] = useDeskCall(load);
  const [chosen, setChosen] = useState<string | null>(remembered);
  if (targets.status === 'error' && !targets.data)
    return (
      <p className="error" role="alert">
        {targets.message}
      </p>
    );
  if (!targets.data) return <p className="empty">Looking for instances…</p>;
  const list = targets.data.targets;
  const current = initialTarget(list, chosen, targets.data.settings.pinned);
  const choose = (key: string) => {
    remember(key);
    setChosen(key);
  };
  return (
    <div className="instance-dashboard" data-testid={testId}>
      <div className="dashboard-picker">
        <label>
          Instance{' '}
          <select
            value={current ? targetKey(current.target) : ''}
            onChange={(e) => choose(e.target.value)}
            aria-label="Instance"
          >
            {list.map((t) => (
              <option key={targetKey(t.target)} value={targetKey(t.target)}>
                {t.label} — {t.detail}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={reload}>
          Refresh list
        </button>
      </div>
      {!current ? (
        <p className="empty">No instance yet: add a profile or start a local runner in the Instances area.</p>
      ) : !current.available ? (
        <p className="empty" data-testid="dashboard-unavailable">
          {current.label} is not running ({current.detail}). Start it in the{' '}
          <a href="#/instances">Instances</a> area, then refresh the list.
        </p>
      ) : (
        <div className="instance-area-body" key={targetKey(current.target)}>
          {children(current)}
        </div>
      )}
    </div>
  );
}

/** The Integrations and Agents areas: the chosen instance's dashboard pages. */
export function InstanceDashboardArea({ desk, area }: { desk: DeskApi; area: 'integrations' | 'agents' }) {
  return (
    <InstanceArea desk={desk} testId={`area-${area}`}>
      {(current) => (
        <TargetDashboard desk={desk} info={current}>
          <AreaPage area={area} />
        </TargetDashboard>
      )}
    </InstanceArea>
  );
}
