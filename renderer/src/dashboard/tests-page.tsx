/**
 * Tests (#/tests): the flakiest tests the instance has seen, or the tests whose name contains a
 * search (#/tests?search=), each linking to its history.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { TestListEntry } from './api-types';
import { formatAge, formatTime } from './format';
import { routeHash } from './route';
import { percent } from './test-page';
import { outcomeSymbols } from './test-timeline';
import { useDashboard, useLoad, useNow } from './use-dashboard';
import './test-history.css';

function TestRow({ test, nowMs }: { test: TestListEntry; nowMs: number }) {
  return (
    <tr data-testid="test-row" data-test-name={test.name}>
      <td className="test-name-cell">
        <a href={routeHash({ page: 'test', name: test.name })} className="mono">
          {test.name}
        </a>
      </td>
      <td className="num" data-testid="test-flaky-rate">
        {percent(test.flakyRate)}
      </td>
      <td className="num">{test.flaky}</td>
      <td className="num">{test.failed}</td>
      <td className="num">{test.runs}</td>
      <td className={`outcome outcome-${test.lastOutcome}`}>
        <span aria-hidden="true">{outcomeSymbols[test.lastOutcome]}</span> {test.lastOutcome}
      </td>
      <td title={test.lastPass ? formatTime(test.lastPass) : undefined} data-testid="test-last-pass">
        {test.lastPass ? formatAge(test.lastPass, nowMs) : 'never'}
      </td>
    </tr>
  );
}

function SearchForm({ search }: { search: string }) {
  const [draft, setDraft] = useState(search);
  useEffect(() => setDraft(search), [search]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    window.location.hash = routeHash({ page: 'tests', search: draft.trim() || undefined });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Find a test">
      <label>
        Test name
        <input
          name="search"
          value={draft}
          placeholder="tst_qstring::…"
          title="any part of the test's name (case::function)"
          onChange={(e) => setDraft(e.target.value)}
        />
      </label>
      <button type="submit">Find</button>
      {search && (
        <button type="button" onClick={() => (window.location.hash = routeHash({ page: 'tests' }))}>
          Flakiest tests
        </button>
      )}
    </form>
  );
}

const columns = ['Test', 'Flaky rate', 'Flaky runs', 'Failed', 'Runs', 'Last outcome', 'Last pass'];

/** The flakiest tests, or the tests a name search finds. */
export function TestsPage({ search = '' }: { search?: string }) {
  const { client } = useDashboard();
  const nowMs = useNow(30_000);
  const list = useLoad(useCallback((signal) => client.testList(search, signal), [client, search]));
  const tests = list.data ?? [];
  return (
    <section className="page" data-testid="page-tests">
      <header className="page-header">
        <h1>Tests</h1>
        <p data-testid="tests-count">
          {list.data === undefined
            ? 'Loading tests…'
            : search
              ? `${tests.length} test(s) whose name contains “${search}”`
              : `${tests.length} flaky test(s), flakiest first: a flaky run failed where the same revision also passed`}
        </p>
      </header>
      <SearchForm search={search} />
      {list.error && (
        <p className="error" role="alert">
          {list.error}
        </p>
      )}
      {list.data !== undefined && tests.length === 0 ? (
        <p className="empty" data-testid="tests-empty">
          {search
            ? `No test result has a name containing “${search}”.`
            : 'No flaky test: no test failed at a revision where it also passed. Find any test by its name above.'}
        </p>
      ) : (
        <table className="table test-list" data-testid="test-list">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tests.map((t) => (
              <TestRow key={t.name} test={t} nowMs={nowMs} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
