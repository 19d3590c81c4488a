/**
 * The steps of the update procedure (the guide's "Updating production"): stop the service, make
 * sure the maintenance page answers on the instance's port, fast-forward the deployment, install
 * its dependencies when the lockfile changed, start the service, verify the revision and the web
 * server. Each step says what it did in one sentence, or fails with what happened; the procedure
 * (update-procedure.ts) adds what state the instance is left in and what to do.
 */
import type { ServiceStatus } from '../../common/instance-schemas';
import type { UpdateStep } from '../../common/maintenance-contract';
import { localUserName } from '../dashboard-bridge/control-access';
import type { Host } from '../host/host';
import type { InstanceSession } from '../instances/instance-session';
import { instancePortOf } from '../instances/instance-status';
import { gitArgv, gitOutput, inDirArgv } from './host-git';
import { instancePaths } from '../../../runner/core/instance-api';
import { inWorkingDir } from '../../../runner/core/working-dir-layout';
import { describeProbe, instanceUrl, probe, probeUntil, type HttpProbe } from './instance-http';
import { lockfileChanges } from './update-plan';

type StepId = UpdateStep['id'];

/** What a step works on. */
export interface UpdateTarget {
  coinDir: string;
  /** HEAD before the update. */
  from: string;
  /** The reviewed upstream commit; for a rollback, the revision before the update. */
  to: string;
  /** forward: an update (a fast-forward); back: a rollback to the revision the update left. */
  direction: 'forward' | 'back';
}

/** What a step can use while it runs. */
export interface StepIo {
  /** The profile's session, asked for afresh (a saved profile replaces it). */
  session(): Promise<InstanceSession>;
  /** Whole lines for the step's log (the procedure keeps the last ones). */
  output(text: string): void;
  /** The state an earlier step ended in. */
  stateOf(id: StepId): UpdateStep['state'];
}

/** How a step that did not fail ended. */
export interface StepOutcome {
  state: 'done' | 'skipped';
  detail: string;
}

/** A step failed; the message says what happened. */
export class StepFailure extends Error {}

/** One step: its title, its work, and what a failure leaves behind and what to do then. */
export interface StepSpec {
  id: StepId;
  title: string;
  /** The title in a rollback, when it differs. */
  backTitle?: string;
  run(io: StepIo, target: UpdateTarget): Promise<StepOutcome>;
  afterFailure(io: StepIo, target: UpdateTarget): string;
}

const short = (sha: string) => sha.slice(0, 12);
const done = (detail: string): StepOutcome => ({ state: 'done', detail });

/**
 * How long a stopped instance's maintenance page may take to write its record. The instance
 * spawns it at the start of its stop, seconds before the service manager reads back 'inactive';
 * it writes DIR/maintenance.json within a second of that.
 */
const recordWaitMs = 1500;
/** How long a started maintenance page, a started instance's web server, may take to answer. */
const answerWaitMs = 30_000;

function describeStatus(status: ServiceStatus): string {
  const since = status.since ? ` since ${status.since}` : '';
  const pid = status.pid ? `, pid ${status.pid}` : '';
  const port = status.port ? `, port ${status.port}` : '';
  return `${status.manager}: ${status.state} (${status.subState})${since}${pid}${port}: ${status.detail}`;
}

function leftStopped(io: StepIo): string {
  return io.stateOf('maintenance-page') === 'done'
    ? 'The instance is left stopped behind the maintenance page'
    : 'The instance is left stopped';
}

const stop: StepSpec = {
  id: 'stop',
  title: 'Stop the service',
  async run(io) {
    const controller = await (await io.session()).controller();
    const before = await controller.status();
    io.output(`before: ${describeStatus(before)}`);
    const after = before.state === 'inactive' ? before : await controller.stop();
    io.output(`after: ${describeStatus(after)}`);
    if (after.state !== 'inactive' && after.state !== 'failed')
      throw new StepFailure(`the service is still ${after.state} (${after.subState}) after the stop`);
    return done(
      before.state === 'inactive'
        ? `the service was already stopped (${after.subState})`
        : `stopped: the service manager reads back ${after.state} (${after.subState})`,
    );
  },
  afterFailure: () =>
    'Nothing was changed; the service state is shown in the Instances area (start it there if it stopped).',
};

/** `coin maintenance` for the working dir, detached from the command that starts it, its output in a log. */
async function startMaintenancePage(session: InstanceSession, port: number, logFile: string): Promise<void> {
  const script =
    'log=$1; shift; if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null >>"$log" 2>&1 & ' +
    'else nohup "$@" </dev/null >>"$log" 2>&1 & fi';
  const { profile } = session;
  // The audit trail names the person at this computer and, over SSH, the login on the master.
  const who =
    profile.kind === 'ssh'
      ? ['--origin', 'app-ssh', '--actor', `${localUserName()} as ${profile.user}@${profile.host}`]
      : ['--origin', 'app', '--actor', localUserName()];
  const argv = [...session.coinCommand(), 'maintenance', '--working-dir', profile.workingDir, ...who];
  const result = await session.host.run(['sh', '-c', script, 'sh', logFile, ...argv, '--port', String(port)]);
  if (result.code !== 0)
    throw new StepFailure(
      `coin maintenance could not be started: ${result.stderr.trim() || `exit ${result.code}`}`,
    );
}

const isPage = (result: HttpProbe) => result.kind === 'answered' && result.maintenance !== null;

/**
 * What answers on the instance's port after the stop: a stopping instance that had replaced a
 * maintenance page when it started starts one again (it keeps DIR/maintenance.json while it
 * runs), which may still be coming up; without such a record nothing will answer.
 */
async function leftPage(session: InstanceSession, root: string): Promise<HttpProbe> {
  const record = inWorkingDir(session.profile.workingDir, 'maintenanceRecord');
  const deadline = Date.now() + recordWaitMs;
  for (;;) {
    const result = await probe(root, instancePaths.tasks());
    if (result.kind === 'answered') return result;
    if (await session.host.readFile(record))
      return probeUntil(root, instancePaths.tasks(), (r) => r.kind === 'answered', answerWaitMs);
    if (Date.now() >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const maintenancePage: StepSpec = {
  id: 'maintenance-page',
  title: 'Maintenance page',
  async run(io) {
    const session = await io.session();
    const port = session.profile.instancePort;
    if (port === 0)
      return {
        state: 'skipped',
        detail:
          "the profile's instance port is 0 (any free port): there is no fixed port for a maintenance page to answer on",
      };
    const root = await instanceUrl(session, port);
    const left = await leftPage(session, root);
    io.output(`port ${port}: ${describeProbe(left)}`);
    if (isPage(left))
      return done(`the maintenance page answers on port ${port} (HTTP 503), as the stopped instance left it`);
    if (left.kind === 'answered')
      throw new StepFailure(
        `port ${port} answers ${describeProbe(left)}, not the maintenance page: another server has the instance's port`,
      );
    const logFile = inWorkingDir(session.profile.workingDir, 'maintenancePageLog');
    io.output(`starting coin maintenance --port ${port} (its output goes to ${logFile})`);
    await startMaintenancePage(session, port, logFile);
    const result = await probeUntil(root, instancePaths.tasks(), (r) => r.kind === 'answered', answerWaitMs);
    io.output(`port ${port}: ${describeProbe(result)}`);
    if (isPage(result))
      return done(`started coin maintenance: the maintenance page answers on port ${port} (HTTP 503)`);
    const log = await session.host.run(['tail', '-n', '20', logFile]).catch(() => null);
    if (log?.stdout) io.output(log.stdout);
    throw new StepFailure(`the maintenance page did not answer on port ${port}: ${describeProbe(result)}`);
  },
  afterFailure: () =>
    'The instance is stopped and its code unchanged: start it from the Instances area, or run the update again.',
};

/** Splits chunks into lines for `emit`; flush() emits a last line without its newline. */
function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; flush(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk.toString('utf8')).split(/\r?\n|\r/);
      rest = lines.pop() ?? '';
      lines.forEach(emit);
    },
    flush() {
      if (rest) emit(rest);
      rest = '';
    },
  };
}

/** Runs argv on the host, its output going to the step's log as it comes; resolves to the exit code. */
async function streamed(
  host: Host,
  label: string,
  argv: readonly string[],
  io: StepIo,
  timeoutMs: number,
): Promise<number | null> {
  const out = lineSplitter((line) => io.output(line));
  const err = lineSplitter((line) => io.output(line));
  const stream = await host.stream(argv, { onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stream.stop();
  }, timeoutMs);
  try {
    const exit = await stream.done;
    if (timedOut)
      throw new StepFailure(`${label} did not finish within ${timeoutMs / 60_000} minutes and was stopped`);
    return exit.code;
  } finally {
    clearTimeout(timer);
    out.flush();
    err.flush();
  }
}

/**
 * A rollback moves the branch back to the revision before the update: `git reset --keep`, which
 * refuses to lose local changes, and only to an ancestor of HEAD (the update was a fast-forward).
 * The branch is then behind its upstream, so the next plan offers the update again.
 */
async function moveBack(io: StepIo, { coinDir, from, to }: UpdateTarget): Promise<StepOutcome> {
  const { host } = await io.session();
  const head = await gitOutput(host, coinDir, ['rev-parse', 'HEAD']);
  if (head === to) return done(`${coinDir} is already at ${short(to)}`);
  const ancestor = await streamed(
    host,
    'git merge-base',
    gitArgv(coinDir, ['merge-base', '--is-ancestor', to, 'HEAD']),
    io,
    60_000,
  );
  if (ancestor !== 0)
    throw new StepFailure(
      `${short(to)} is not an ancestor of HEAD (${short(head)}) in ${coinDir}: the checkout moved since the update`,
    );
  io.output(`git -C ${coinDir} reset --keep ${to}   (the revision before the update)`);
  const code = await streamed(host, 'git reset', gitArgv(coinDir, ['reset', '--keep', to]), io, 10 * 60_000);
  if (code !== 0) throw new StepFailure(`git could not move ${coinDir} back to ${short(to)} (exit ${code})`);
  const after = await gitOutput(host, coinDir, ['rev-parse', 'HEAD']);
  if (after !== to)
    throw new StepFailure(`after the reset ${coinDir} is at ${short(after)}, not ${short(to)}`);
  return done(`moved ${coinDir} back from ${short(from)} to ${short(to)}`);
}

const pull: StepSpec = {
  id: 'pull',
  title: 'Pull the new code',
  backTitle: 'Return to the previous revision',
  async run(io, target) {
    if (target.direction === 'back') return moveBack(io, target);
    const { coinDir, from, to } = target;
    const { host } = await io.session();
    io.output(`git -C ${coinDir} merge --ff-only ${to}   (the reviewed upstream commit)`);
    const code = await streamed(
      host,
      'git merge',
      gitArgv(coinDir, ['merge', '--ff-only', to]),
      io,
      10 * 60_000,
    );
    if (code !== 0)
      throw new StepFailure(
        `git could not fast-forward ${coinDir} to ${short(to)} (exit ${code}; its words are in the output)`,
      );
    const head = await gitOutput(host, coinDir, ['rev-parse', 'HEAD']);
    if (head !== to)
      throw new StepFailure(`after the merge ${coinDir} is at ${short(head)}, not ${short(to)}`);
    return done(`fast-forwarded ${coinDir} from ${short(from)} to ${short(to)}`);
  },
  afterFailure: (io, { coinDir }) =>
    `${leftStopped(io)}. Make the checkout follow its upstream branch again (git status and git log @{u}..HEAD in ${coinDir}: production must match the branch in Gerrit), then run the update again, or start the instance on its unchanged code from the Instances area.`,
};

const dependencies: StepSpec = {
  id: 'dependencies',
  title: 'Install dependencies',
  async run(io, { coinDir, from, to }) {
    const { host } = await io.session();
    if (!(await lockfileChanges(host, coinDir, from, to)))
      return {
        state: 'skipped',
        detail: 'package-lock.json did not change: the installed dependencies are kept',
      };
    io.output(`npm ci in ${coinDir} (package-lock.json changed)`);
    const code = await streamed(
      host,
      'npm ci',
      inDirArgv(coinDir, ['npm', 'ci', '--no-audit', '--no-fund']),
      io,
      30 * 60_000,
    );
    if (code !== 0) throw new StepFailure(`npm ci failed in ${coinDir} (exit ${code})`);
    return done('package-lock.json changed: npm ci installed the dependencies');
  },
  afterFailure: (io, { coinDir, to }) =>
    `The code is at ${short(to)} but its dependencies are not installed. ${leftStopped(io)}: run npm ci in ${coinDir}, then start the instance from the Instances area.`,
};

/** The state read back until it is no longer activating (systemd may report that for a moment). */
async function settled(read: () => Promise<ServiceStatus>, first: ServiceStatus): Promise<ServiceStatus> {
  let status = first;
  for (const deadline = Date.now() + answerWaitMs; status.state === 'activating' && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = await read();
  }
  return status;
}

const start: StepSpec = {
  id: 'start',
  title: 'Start the service',
  async run(io) {
    const controller = await (await io.session()).controller();
    const status = await settled(() => controller.status(), await controller.start());
    io.output(describeStatus(status));
    if (status.state !== 'active')
      throw new StepFailure(
        `the service did not start: ${status.state} (${status.subState}): ${status.detail}`,
      );
    return done(
      `started: the service manager reads back active (${status.subState})${status.pid ? `, pid ${status.pid}` : ''}`,
    );
  },
  afterFailure: (_io, { to }) =>
    `The code is at ${short(to)}. Read the journal in the Instances area, fix the cause and start the instance there.`,
};

const verify: StepSpec = {
  id: 'verify',
  title: 'Verify',
  async run(io, { coinDir, to }) {
    const session = await io.session();
    const head = await gitOutput(session.host, coinDir, ['rev-parse', 'HEAD']);
    io.output(`git rev-parse HEAD: ${head}`);
    if (head !== to) throw new StepFailure(`the deployment is at ${short(head)}, not ${short(to)}`);
    const status = await (await session.controller()).status();
    const port = instancePortOf(status, session.profile.instancePort);
    if (port === null) throw new StepFailure(`the instance is no longer running: ${describeStatus(status)}`);
    const root = await instanceUrl(session, port);
    const answer = await probeUntil(
      root,
      instancePaths.tasks({ max: 1 }),
      (r) => r.kind === 'answered' && r.status === 200,
      answerWaitMs,
    );
    io.output(`port ${port}, ${instancePaths.tasks()}: ${describeProbe(answer)}`);
    const page = await probe(root, '');
    io.output(`port ${port}, the dashboard page: ${describeProbe(page)}`);
    if (answer.kind !== 'answered' || answer.status !== 200)
      throw new StepFailure(`the web server does not answer on port ${port}: ${describeProbe(answer)}`);
    return done(`the deployment is at ${short(to)} and its web server answers on port ${port} (HTTP 200)`);
  },
  afterFailure: () =>
    'The instance was started on the new code: read the journal and look at the dashboard in the Instances area.',
};

/** The steps in their order (updateStepIds of the contract). */
export const updateSteps: readonly StepSpec[] = [stop, maintenancePage, pull, dependencies, start, verify];
