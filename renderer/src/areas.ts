/** The areas of the app frame, in navigation order. */
export interface AreaSpec {
  id: 'instances' | 'integrations' | 'agents' | 'configuration' | 'maintenance';
  title: string;
  /** One line under the title. */
  summary: string;
}

export const areas: readonly AreaSpec[] = [
  {
    id: 'instances',
    title: 'Instances',
    summary: 'Local Coin instances and production masters, and whether this machine can run one.',
  },
  {
    id: 'integrations',
    title: 'Integrations',
    summary: 'Tasks and their work items, live, with logs and test results.',
  },
  {
    id: 'agents',
    title: 'Agents',
    summary: 'The agent pool: waiting, provisioning, running and stopping agents, and their hosts.',
  },
  {
    id: 'configuration',
    title: 'Configuration',
    summary: 'coin_configuration.json, validated and previewed before it is applied.',
  },
  {
    id: 'maintenance',
    title: 'Maintenance',
    summary:
      'Updates with the maintenance page, daily monitoring, garbage collection, artifact invalidation.',
  },
];

export type AreaId = AreaSpec['id'];

/**
 * Dashboard pages shown inside an area: a task (`#/tasks/ID`), a log (`#/log/ID`) and Gerrit's
 * side (`#/gerrit`) and the audit trail (`#/audit`) belong to Integrations, storage to Maintenance; their links are the dashboard's
 * own hash routes.
 */
const areaOfDashboardPage: Readonly<Record<string, AreaId>> = {
  tasks: 'integrations',
  log: 'integrations',
  gerrit: 'integrations',
  audit: 'integrations',
  tests: 'integrations',
  storage: 'maintenance',
};

/** The area named by a location hash such as `#/agents`, or the first area. */
export function areaFromHash(hash: string): AreaId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return areas.find((a) => a.id === id)?.id ?? areaOfDashboardPage[id] ?? 'instances';
}
