/**
 * The Configuration area's DeskApi methods. They reach an instance the way its dashboard is
 * reached (instance:dashboard: directly for a local instance, through the profile's SSH tunnel for
 * a remote one), so they hold no connection of their own.
 */
import type { ConfigEditorMethod, ConfigOutcome } from '../../common/config-editor-contract';
import { DeskError, type DeskApi } from '../../common/desk-api';
import { awaitConfigOutcome, latestEventSeq } from './config-events';
import { gatherEditorContext, type HistoryLimits } from './editor-context';
import { instanceReader, type InstanceReader } from './instance-api-client';

/** What the editor services build on. */
export interface ConfigEditorServicesOptions {
  /** The Instances services: profiles and dashboard URLs. */
  instances: Pick<DeskApi, 'profilesList' | 'instanceDashboard'>;
  now?: () => number;
  limits?: HistoryLimits;
  /** The reader of an instance's API at a dashboard URL (default: HTTP). */
  reader?: (url: string) => InstanceReader;
}

/** The DeskApi methods of the Configuration area. */
export interface ConfigEditorServices {
  api: Pick<DeskApi, ConfigEditorMethod>;
}

/** An instance's dashboard URL, or why there is none (it does not run, cannot be reached). */
type Reach = { url: string } | { problem: string };

/** Remembers dashboard URLs for a while: instance:dashboard asks the service manager each time. */
class DashboardUrls {
  private readonly known = new Map<string, { url: string; at: number }>();

  constructor(
    private readonly instances: ConfigEditorServicesOptions['instances'],
    private readonly now: () => number,
  ) {}

  async reach(profileId: string, fresh = false): Promise<Reach> {
    const known = this.known.get(profileId);
    if (!fresh && known && this.now() - known.at < 30_000) return { url: known.url };
    try {
      const { url } = await this.instances.instanceDashboard({ profileId });
      this.known.set(profileId, { url, at: this.now() });
      return { url };
    } catch (error) {
      this.known.delete(profileId);
      return { problem: (error as Error).message };
    }
  }

  /** Runs `work` against the instance, asking for the URL again once when the remembered one fails. */
  async with<T>(
    profileId: string,
    work: (url: string) => Promise<T>,
    absent: (problem: string) => Promise<T>,
  ): Promise<T> {
    const first = await this.reach(profileId);
    if ('problem' in first) return absent(first.problem);
    try {
      return await work(first.url);
    } catch {
      const again = await this.reach(profileId, true);
      if ('problem' in again) return absent(again.problem);
      return work(again.url);
    }
  }
}

/** Create the Configuration area's services over the Instances services. */
export function createConfigEditorServices(options: ConfigEditorServicesOptions): ConfigEditorServices {
  const now = options.now ?? Date.now;
  const urls = new DashboardUrls(options.instances, now);
  const reader = options.reader ?? ((url: string) => instanceReader(url));
  const failed = (what: string) => (error: Error) => {
    throw new DeskError('failed', `${what}: ${error.message}`);
  };
  return {
    api: {
      async configContext({ profileId, days = 7 }) {
        const { profiles } = await options.instances.profilesList({});
        const profile = profiles.find((p) => p.id === profileId);
        if (!profile) throw new DeskError('not-found', `there is no profile '${profileId}'`);
        const request = { profile, days, nowMs: now(), limits: options.limits };
        return urls
          .with(
            profileId,
            (url) =>
              gatherEditorContext({ ...request, instance: { reader: reader(url), url }, problem: null }),
            (problem) => gatherEditorContext({ ...request, instance: null, problem }),
          )
          .catch(failed("the instance's task history could not be read"));
      },
      configEventSeq: ({ profileId }) =>
        urls
          .with(
            profileId,
            async (url) => ({ eventSeq: await latestEventSeq(url), problem: null }),
            async (problem): Promise<{ eventSeq: number | null; problem: string | null }> => ({
              eventSeq: null,
              problem,
            }),
          )
          .catch(failed("the instance's event stream")),
      configOutcome: ({ profileId, sha256, since, timeoutMs = 10_000 }) =>
        urls
          .with(
            profileId,
            (url) => awaitConfigOutcome(url, sha256, since, timeoutMs),
            async (message): Promise<ConfigOutcome> => ({ kind: 'not-running', message }),
          )
          .catch(failed("the instance's event stream")),
    },
  };
}
