/**
 * A work item's failure as people read it (runner/core/failure-classification.ts): its kind, the
 * failing test and its message first, the module's message and the cause, the lines of the log
 * where it shows; the command once, folded away, as it is long and rarely what one looks for.
 */
import { useCallback } from 'react';
import { failureClassTitle, failureHeadline } from '../../../runner/core/failure-classification';
import { errorLineRank, isAgentLine } from '../../../runner/core/first-error';
import type { WorkItem, WorkItemFailure } from './api-types';
import { stripAnsi } from './ansi';
import { routeHash } from './route';
import { useDashboard, useLoad } from './use-dashboard';
import { failureKindText, workItemLabel } from './work-item-lanes';
import './failure-view.css';

/** How many failing tests a card lists (the rest are counted). */
const testsListed = 5;

/** The failing tests: name and message, the first ones, and how many more. */
function FailedTests({ failure }: { failure: WorkItemFailure }) {
  if (failure.failedTests.length === 0) return null;
  const more = failure.failedTestCount - Math.min(testsListed, failure.failedTests.length);
  return (
    <ul className="failed-tests" aria-label="Failing tests" data-testid="failed-tests">
      {failure.failedTests.slice(0, testsListed).map((t) => (
        <li key={t.name}>
          <span className="mono strong">{t.name}</span>
          {t.message && <span className="test-message">{t.message}</span>}
        </li>
      ))}
      {more > 0 && <li className="muted">and {more} more failing tests</li>}
    </ul>
  );
}

/** The command that failed and where the instruction is written, folded: shown once, on request. */
export function FailedCommand({ failure }: { failure: WorkItemFailure }) {
  if (!failure.command && !failure.at) return null;
  return (
    <details className="failed-command" data-testid="failed-command">
      <summary>{failure.command ? 'Command' : 'Where'}</summary>
      {failure.command && <pre className="mono">{failure.command}</pre>}
      {failure.at && <p className="mono muted">{failure.at}</p>}
    </details>
  );
}

/** The module's message and the cause, in one line (without the command). */
function Said({ failure }: { failure: WorkItemFailure }) {
  const text = [failure.message, failure.cause && `(${failure.cause})`].filter(Boolean).join(' ');
  return text ? <p className="failure-said">{text}</p> : null;
}

/** The log from its first error on, up to the agent's own account (which repeats the command). */
function FirstErrorLines({ item }: { item: WorkItem }) {
  const { client } = useDashboard();
  const excerpt = useLoad(
    useCallback(
      async (signal: AbortSignal) => {
        const line = await client.logFirstError(item.id);
        if (line === null) return null;
        const page = await client.logLines(item.id, line, 6, signal);
        const lines = page.lines.map(stripAnsi);
        if (!lines[0] || errorLineRank(lines[0]) !== 2) return null;
        const end = lines.findIndex((l, i) => i > 0 && isAgentLine(l));
        return { line, lines: end > 0 ? lines.slice(0, end) : lines };
      },
      [client, item.id],
    ),
  );
  if (!excerpt.data) return null;
  const { line, lines } = excerpt.data;
  return (
    <div className="first-error" data-testid="first-error">
      <pre className="first-error-lines" aria-label="Where the log shows the failure">
        {lines.join('\n')}
      </pre>
      <a href={routeHash({ page: 'log', workItemId: item.id, line: line + 1 })}>Log at line {line + 1}</a>
    </div>
  );
}

/** A failed work item's card section: kind, failing tests, what was said, the log, the command. */
export function FailureDetails({ item, failure }: { item: WorkItem; failure: WorkItemFailure }) {
  return (
    <div className={`failure failure-${failure.kind}`} data-testid="failure" role="note">
      <p className="failure-kind">{failureKindText(failure.kind)}.</p>
      <FailedTests failure={failure} />
      <Said failure={failure} />
      <FirstErrorLines item={item} />
      <FailedCommand failure={failure} />
    </div>
  );
}

/** What the task page leads with: why the task failed, the failing test first, and where to look. */
export function FailureLead({ item, failure }: { item: WorkItem | undefined; failure: WorkItemFailure }) {
  const headline = failureHeadline(failure).slice(failureClassTitle(failure.kind).length + 2);
  return (
    <div className={`failure-lead failure-${failure.kind}`} data-testid="failure-lead">
      <p className="failure-kind">{failureKindText(failure.kind)}</p>
      <p className="failure-headline">{headline}</p>
      <p className="muted">
        in {item ? `${workItemLabel(item)} on ${item.configurationId}` : failure.workItemId} ·{' '}
        <a href={routeHash({ page: 'log', workItemId: failure.workItemId })}>its log</a>
      </p>
    </div>
  );
}
