/**
 * The DeskApi methods behind the in-window dashboard: which instances can be shown, GETs of an
 * instance's read API and its event stream, all made by this process. A local runner is reached
 * on its own port; a profile's instance through the URL the Instances services give (direct for a
 * local profile, the SSH tunnel for a master). The one write, dashboard:control, carries the
 * instance's admin token this process reads itself (control-access.ts) and says who acts from where.
 */
import type { DeskApi } from '../../common/desk-api';
import { DeskError } from '../../common/desk-api';
import type { DashboardBridgeMethod, DashboardTargetInfo } from '../../common/dashboard-bridge-contract';
import type { LocalRunnerState, WatchTarget } from '../../common/local-runner-contract';
import { eventSocketUrl, instanceRootUrl } from '../../../runner/core/instance-api';
import { InstanceClient } from '../../../runner/client/instance-client';
import { localRunnerAccess, profileAccess, type ProfileHost } from './control-access';
import { EventRelay, type RelayLimits } from './event-relay';

/** Where the bridge finds instances. */
export interface DashboardBridgeSources {
  instances: Pick<DeskApi, 'profilesList' | 'instanceDashboard'>;
  runners: {
    /** The runners the app has started. */
    list(): LocalRunnerState[];
    /** The state of the runner of any directory (one the app did not start included). */
    status(dir: string): LocalRunnerState;
    /** The app's default local instance directory. */
    defaultWorkingDir: string;
  };
  /** A profile's open session (its host reads the admin token); without it, profiles are read-only. */
  profileSession?: (profileId: string) => Promise<ProfileHost>;
  /** Time a read of the API may take. */
  requestTimeoutMs?: number;
  relayLimits?: RelayLimits;
}

/** The bridge's methods and the relay behind them. */
export interface DashboardBridgeServices {
  api: Pick<DeskApi, DashboardBridgeMethod>;
  /** Close every relayed stream (the app quits, a test ends). */
  close(): void;
}

/** The dashboard root of a local runner's state, or null when nothing listens. */
export function runnerDashboardUrl(state: LocalRunnerState): string | null {
  if (state.url) return state.url.endsWith('/') ? state.url : `${state.url}/`;
  if (state.other?.port) return instanceRootUrl(`http://127.0.0.1:${state.other.port}`);
  return null;
}

/** Who started the instance holding a runner's directory (the lock's owner, local-runner-host.ts). */
const otherOwnerWords = {
  service: 'its coin service',
  'app-runner': 'a runner of this app',
  other: 'not started by this app',
} as const;

function runnerTarget(state: LocalRunnerState): DashboardTargetInfo {
  const url = runnerDashboardUrl(state);
  const port = url ? new URL(url).port : null;
  const detail =
    state.phase === 'running' || (state.other && port)
      ? `local runner on port ${port}${state.other ? ` (pid ${state.other.pid}, ${otherOwnerWords[state.other.owner]})` : ''}`
      : `local runner, ${state.phase}`;
  return {
    target: { kind: 'local-runner', workingDir: state.workingDir },
    label: state.workingDir,
    available: url !== null,
    detail,
  };
}

/** Create the bridge. */
export function createDashboardBridgeServices(sources: DashboardBridgeSources): DashboardBridgeServices {
  const relay = new EventRelay(sources.relayLimits);
  const timeoutMs = sources.requestTimeoutMs ?? 15_000;

  async function baseOf(target: WatchTarget): Promise<string> {
    if (target.kind === 'profile') {
      const { url } = await sources.instances.instanceDashboard({ profileId: target.profileId });
      return url.endsWith('/') ? url : `${url}/`;
    }
    const url = runnerDashboardUrl(sources.runners.status(target.workingDir));
    if (!url)
      throw new DeskError(
        'failed',
        `no local runner runs in ${target.workingDir}: start it in the Instances area first`,
      );
    return url;
  }

  /** The admin token and who acts, read afresh for each write (a restarted instance has a new token). */
  async function accessOf(target: WatchTarget) {
    if (target.kind === 'local-runner')
      return localRunnerAccess(sources.runners.status(target.workingDir).workingDir);
    if (!sources.profileSession)
      throw new DeskError(
        'failed',
        "this app cannot reach the profiles' hosts: the instance is read-only here",
      );
    return profileAccess(await sources.profileSession(target.profileId));
  }

  const api: DashboardBridgeServices['api'] = {
    async dashboardTargets() {
      const { profiles } = await sources.instances.profilesList({});
      const fromProfiles: DashboardTargetInfo[] = profiles.map((p) => ({
        target: { kind: 'profile', profileId: p.id },
        label: p.name,
        available: true,
        detail:
          p.kind === 'ssh' ? `ssh ${p.user}@${p.host}${p.port === 22 ? '' : `:${p.port}`}` : 'local profile',
      }));
      const dirs = new Set<string>();
      const runners = [...sources.runners.list(), sources.runners.status(sources.runners.defaultWorkingDir)]
        .filter((r) => !dirs.has(r.workingDir) && dirs.add(r.workingDir))
        .map(runnerTarget);
      return { targets: [...runners, ...fromProfiles] };
    },

    async dashboardGet({ target, path }) {
      const base = await baseOf(target);
      let response: Response;
      try {
        response = await fetch(new URL(path, base), {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const why =
          (error as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : 'not reachable';
        throw new DeskError(
          'failed',
          `The Coin instance at ${base} does not answer (${why}): is it running?`,
        );
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = { error: text.slice(0, 300) || `HTTP ${response.status}` };
      }
      return { status: response.status, body, base };
    },

    async dashboardControl({ target, taskId, action, reason }) {
      const base = await baseOf(target);
      const access = await accessOf(target);
      const client = new InstanceClient({
        root: base,
        adminToken: access.token,
        tokenSource: access.tokenSource,
        actor: access.actor,
        origin: access.origin,
        // A cancel answers once the task ended (the instance waits up to 30 s for that).
        timeoutMs: Math.max(timeoutMs, 45_000),
      });
      try {
        const answer = await client.controlTask(
          taskId,
          action,
          action === 'cancel' && reason ? { reason } : {},
        );
        return { ...answer, actor: access.actor, origin: access.origin };
      } catch (error) {
        throw new DeskError('failed', (error as Error).message);
      }
    },

    async dashboardEventsOpen({ target, since, logs = 'none' }) {
      return { streamId: relay.open(eventSocketUrl(await baseOf(target), { since, hello: true, logs })) };
    },
    dashboardEventsNext: ({ streamId, waitMs = 20_000 }) => relay.next(streamId, waitMs),
    async dashboardEventsSend({ streamId, data }) {
      return { sent: relay.send(streamId, data) };
    },
    async dashboardEventsClose({ streamId }) {
      return { closed: relay.close(streamId) };
    },
  };
  return { api, close: () => relay.closeAll() };
}
