import { useCallback, useState, type FormEvent } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import { DoctorTable } from '../../components/doctor-table';
import { useDeskCall } from '../../use-desk-call';
import { LocalRunnerPanel } from './local-runner-panel';

/**
 * The local instance: the runner the app hosts (local-runner-panel.tsx), then whether this machine
 * can run a Coin instance (`coin doctor`), for the default or a chosen directory.
 */
export function MachineCheck({ desk }: { desk: DeskApi }) {
  return (
    <>
      <LocalRunnerPanel desk={desk} />
      <DoctorCheck desk={desk} />
    </>
  );
}

/** `coin doctor` for the default or a chosen working directory. */
function DoctorCheck({ desk }: { desk: DeskApi }) {
  const [workingDir, setWorkingDir] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const [report, rerun] = useDeskCall(
    useCallback(() => desk.runnerDoctor({ workingDir }), [desk, workingDir]),
  );
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setWorkingDir(draft.trim() || undefined);
  };
  const data = report.data;
  return (
    <section className="card" data-testid="area-instances">
      <div className="card-header">
        <h2>Local instance: machine check</h2>
        <button type="button" onClick={rerun} disabled={report.status === 'loading'}>
          {report.status === 'loading' ? 'Checking...' : 'Check again'}
        </button>
      </div>
      <form className="inline-form" onSubmit={onSubmit}>
        <label htmlFor="working-dir">Working directory</label>
        <input
          id="working-dir"
          value={draft}
          placeholder={data?.workingDir ?? 'default working directory'}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Check</button>
      </form>
      {report.status === 'error' && (
        <p className="error" role="alert">
          The check could not run: {report.message}
        </p>
      )}
      {data && (
        <>
          <p className={data.ok ? 'verdict verdict-ok' : 'verdict verdict-fail'} data-testid="doctor-verdict">
            {data.ok
              ? `This machine can run a Coin instance in ${data.workingDir}.`
              : `Something required is missing for ${data.workingDir}: see the failed rows.`}
          </p>
          <DoctorTable report={data} />
        </>
      )}
    </section>
  );
}
