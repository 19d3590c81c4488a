import { useCallback, useState } from 'react';
import { agentStates } from '../../../runner/core/model';
import type { Agent, HostsReport } from './api-types';
import { formatDuration } from './format';
import { LineChart } from './line-chart';
import { countAgents, poolWarning } from './pool-health';
import { routeHash } from './route';
import { StateBadge } from './state-badge';
import { useDashboard, useLoad, useNow, useStreamListener, useThrottled } from './use-dashboard';

const periods = [1, 6, 24] as const;

function AgentTable({ agents, nowMs }: { agents: readonly Agent[]; nowMs: number }) {
  return (
    <table className="table" data-testid="agent-table">
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">State</th>
          <th scope="col">Work item</th>
          <th scope="col">Host</th>
          <th scope="col">Uptime</th>
          <th scope="col">Hypervisor</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.id} data-agent={a.id}>
            <td className="mono">{a.id}</td>
            <td>
              <StateBadge state={a.state} />
            </td>
            <td className="mono">
              {a.workItemId && a.state === 'running' ? (
                <a href={routeHash({ page: 'log', workItemId: a.workItemId })}>{a.workItemId}</a>
              ) : (
                '–'
              )}
            </td>
            <td>{a.host ?? '–'}</td>
            <td>{a.state === 'stopped' ? '–' : formatDuration(nowMs - Date.parse(a.started))}</td>
            <td>{a.hypervisor}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Symbol and tone of a host state (the classes of StateBadge). */
const hostLooks: Record<HostsReport['hosts'][number]['state'], { symbol: string; tone: string }> = {
  on: { symbol: '●', tone: 'ok' },
  error: { symbol: '✖', tone: 'fail' },
  disabled: { symbol: '⊘', tone: 'off' },
  off: { symbol: '■', tone: 'off' },
};

/** The machines agents run on: for the local hypervisor one row, this machine. */
function HostTable({ report }: { report: HostsReport }) {
  return (
    <table className="table" data-testid="host-table">
      <thead>
        <tr>
          <th scope="col">Host</th>
          <th scope="col">State</th>
          <th scope="col">Agents</th>
          <th scope="col">Capacity</th>
        </tr>
      </thead>
      <tbody>
        {report.hosts.map((h) => (
          <tr key={h.name} data-host={h.name}>
            <td>{report.hypervisor === 'local' ? `this machine (${h.name})` : h.name}</td>
            <td>
              <span className={`state state-${hostLooks[h.state].tone}`} data-state={h.state}>
                <span aria-hidden="true">{hostLooks[h.state].symbol}</span> {h.state}
              </span>
            </td>
            <td>{h.agents}</td>
            <td>{h.capacity ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Hosts() {
  const { client } = useDashboard();
  const hosts = useLoad(useCallback((signal) => client.hosts(signal), [client]));
  const reload = useThrottled(hosts.reload, 2000);
  useStreamListener({ event: (e) => e.kind.startsWith('agent.') && reload(), resync: reload });
  const report = hosts.data;
  return (
    <div className="card">
      <div className="card-header">
        <h2>Hosts{report ? ` (${report.hypervisor === 'local' ? 'local' : 'OpenNebula'})` : ''}</h2>
      </div>
      {report ? (
        report.hosts.length ? (
          <HostTable report={report} />
        ) : (
          <p className="muted">No host.</p>
        )
      ) : (
        <p className={hosts.error ? 'error' : 'muted'}>{hosts.error ?? 'Loading the hosts…'}</p>
      )}
    </div>
  );
}

function PoolChart({ hours }: { hours: number }) {
  const { client } = useDashboard();
  const history = useLoad(useCallback((signal) => client.agentHistory(hours, 180, signal), [client, hours]));
  const reload = useThrottled(history.reload, 5000);
  useStreamListener({ event: (e) => e.kind.startsWith('agent.') && reload() });
  const data = history.data;
  if (!data) return <p className="muted">{history.error ?? 'Loading the chart…'}</p>;
  const series = (['waiting', 'running'] as const).map((state) => ({
    name: state,
    className: `series-${state}`,
    points: data.series.map((p) => ({ timeMs: Date.parse(p.time), value: p[state] })),
  }));
  return (
    <LineChart
      title={`Agents waiting and running, last ${hours} h`}
      series={series}
      fromMs={data.fromMs}
      toMs={data.toMs}
    />
  );
}

/** Agents and the agent pool: counts, the guide's warning sign, a chart, every agent. */
export function AgentsPage() {
  const { client } = useDashboard();
  const nowMs = useNow(5000);
  const [hours, setHours] = useState<number>(6);
  const [showStopped, setShowStopped] = useState(false);
  const agents = useLoad(useCallback((signal) => client.agents(signal), [client]));
  const reload = useThrottled(agents.reload, 1000);
  useStreamListener({ event: (e) => e.kind.startsWith('agent.') && reload(), resync: reload });
  const all = agents.data ?? [];
  const counts = countAgents(all);
  const warning = poolWarning(counts);
  const shown = showStopped ? all : all.filter((a) => a.state !== 'stopped');
  return (
    <section className="page" data-testid="page-agents">
      <header className="page-header">
        <h1>Agents</h1>
        <p>The agent pool: what each agent does, and whether agents reach the running state.</p>
      </header>
      {agents.error && (
        <p className="error" role="alert">
          {agents.error}
        </p>
      )}
      <div className="counts" data-testid="agent-counts">
        {agentStates
          .filter((s) => s !== 'stopped')
          .map((s) => (
            <div key={s} className="count">
              <span className="count-value">{counts[s]}</span>
              <StateBadge state={s} />
            </div>
          ))}
      </div>
      {warning && (
        <p className="warning" role="alert" data-testid="pool-warning">
          <span aria-hidden="true">▲</span> {warning}
        </p>
      )}
      <div className="card">
        <div className="card-header">
          <h2>Over time</h2>
          <span role="group" aria-label="Period">
            {periods.map((h) => (
              <button key={h} type="button" aria-pressed={hours === h} onClick={() => setHours(h)}>
                {h} h
              </button>
            ))}
          </span>
        </div>
        <PoolChart hours={hours} />
      </div>
      <Hosts />
      <div className="card">
        <div className="card-header">
          <h2>{showStopped ? 'All agents' : 'Active agents'}</h2>
          <label>
            <input type="checkbox" checked={showStopped} onChange={(e) => setShowStopped(e.target.checked)} />{' '}
            show stopped ({counts.stopped})
          </label>
        </div>
        {shown.length ? (
          <AgentTable agents={shown} nowMs={nowMs} />
        ) : (
          <p className="muted">No active agent.</p>
        )}
      </div>
    </section>
  );
}
