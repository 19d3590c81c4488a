/**
 * "What changed since green" on a failed task's page: the last passed integration of the same
 * project and branch (GET api/tasks/<id>/since-green), the commits between the two, dependency
 * revisions, work items planned differently (instructions, platform configuration), the
 * runtime-configuration versions applied in between, and the tests that newly fail.
 */
import { useCallback, type ReactNode } from 'react';
import type { SinceGreen, Task } from './api-types';
import { formatTime, shortSha } from './format';
import { routeHash } from './route';
import { useDashboard, useLoad } from './use-dashboard';
import './since-green.css';

const planWords: Record<SinceGreen['plans'][number]['change'], string> = {
  added: 'new work item',
  removed: 'no longer planned',
  instructions: 'other instructions',
  environment: 'other environment',
  'instructions+environment': 'other instructions and environment',
};

/** One part of the comparison: a heading with its count, the list, or what an empty one means. */
function Part({
  title,
  count,
  none,
  testId,
  children,
}: {
  title: string;
  count: number;
  none: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <section className="since-part" data-testid={testId} data-count={count}>
      <h3>
        {title} <span className="muted">({count})</span>
      </h3>
      {count === 0 ? <p className="muted">{none}</p> : children}
    </section>
  );
}

function GreenLine({ green, task }: { green: Task; task: Task }) {
  return (
    <p className="since-green-line">
      Last green:{' '}
      <a href={routeHash({ page: 'task', taskId: green.id })} className="mono" data-testid="green-task">
        {green.id.slice(0, 8)}
      </a>{' '}
      at <span className="mono">{shortSha(green.sha)}</span>, finished {formatTime(green.finished)} → this
      integration at <span className="mono">{shortSha(task.sha)}</span>
    </p>
  );
}

function Comparison({ answer, task }: { answer: SinceGreen; task: Task }) {
  return (
    <>
      {answer.green && <GreenLine green={answer.green} task={task} />}
      <Part
        title="Newly failing tests"
        count={answer.newlyFailing.length}
        none="No test fails here that passed in the green integration."
        testId="newly-failing"
      >
        <ul className="since-list">
          {answer.newlyFailing.map((t) => (
            <li key={`${t.configurationId}\n${t.name}`}>
              <a href={routeHash({ page: 'test', name: t.name })} className="mono">
                {t.name}
              </a>{' '}
              <span className="muted mono">{t.configurationId}</span>
              {t.message && <span className="since-message">{t.message}</span>}
            </li>
          ))}
        </ul>
      </Part>
      <Part
        title="Commits"
        count={answer.commits.length}
        none={answer.commitsNote ?? 'No commit in between.'}
        testId="since-green-commits"
      >
        <ul className="since-list">
          {answer.commits.map((c) => (
            <li key={c.sha}>
              <span className="mono">{shortSha(c.sha)}</span> <span className="strong">{c.subject}</span>{' '}
              <span className="muted">
                {c.author} · {formatTime(c.time)}
              </span>
            </li>
          ))}
        </ul>
        {answer.commitsNote && <p className="muted">{answer.commitsNote}</p>}
      </Part>
      <Part
        title="Dependency revisions"
        count={answer.dependencies.length}
        none="dependencies.yaml pins the same revisions."
        testId="since-green-dependencies"
      >
        <ul className="since-list">
          {answer.dependencies.map((d) => (
            <li key={d.project}>
              <span className="strong">{d.project}</span>{' '}
              <span className="mono">{d.from ? shortSha(d.from) : '(none)'}</span> →{' '}
              <span className="mono">{d.to ? shortSha(d.to) : '(removed)'}</span>
            </li>
          ))}
        </ul>
      </Part>
      <Part
        title="Instructions and platform configurations"
        count={answer.plans.length}
        none="Every work item ran the same instructions in the same environment."
        testId="since-green-plans"
      >
        <ul className="since-list">
          {answer.plans.map((p) => (
            <li key={`${p.configurationId}\n${p.project}\n${p.kind}`}>
              <span className="mono">{p.configurationId}</span> {p.project} {p.kind}: {planWords[p.change]}
            </li>
          ))}
        </ul>
      </Part>
      <Part
        title="Runtime configuration applied in between"
        count={answer.configChanges.length}
        none="No runtime-configuration version was applied in between."
        testId="since-green-config"
      >
        <ul className="since-list">
          {answer.configChanges.map((c) => (
            <li key={c.version}>
              Version {c.version} by {c.appliedBy} via {c.via}, {formatTime(c.time)}
              {c.changes.length > 0 && <span className="since-message">{c.changes.join(', ')}</span>}
            </li>
          ))}
        </ul>
      </Part>
    </>
  );
}

/** The panel (the task page mounts it anew, keyed by the finish time, when the task ends again). */
export function SinceGreenPanel({ task }: { task: Task }) {
  const { client } = useDashboard();
  const loaded = useLoad(useCallback((signal) => client.sinceGreen(task.id, signal), [client, task.id]));
  const answer = loaded.data;
  return (
    <section className="card since-green" aria-label="What changed since green" data-testid="since-green">
      <h2>What changed since green</h2>
      {loaded.error && (
        <p className="error" role="alert">
          {loaded.error}
        </p>
      )}
      {!answer && !loaded.error && <p className="muted">Comparing with the last passed integration…</p>}
      {answer && !answer.green && (
        <p className="muted" data-testid="no-green">
          No earlier integration of {task.project} on {task.branch} passed: nothing to compare with.
        </p>
      )}
      {answer?.green && <Comparison answer={answer} task={task} />}
    </section>
  );
}
