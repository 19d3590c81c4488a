/**
 * Probing an instance's web server from this process: what answers at its dashboard root or its
 * read API (the instance, the maintenance page in its place, or nothing), without judging the
 * answer; reading the API is runner/client's. The URL is the one the session gives (the port
 * itself for this computer, a local end of the profile's SSH tunnel for a master).
 */
import { instanceRootUrl } from '../../../runner/core/instance-api';
import type { InstanceSession } from '../instances/instance-session';

/** What a GET got: an answer (any status), or nothing (refused, reset, timed out). */
export type HttpProbe =
  | { kind: 'answered'; status: number; body: string; maintenance: MaintenanceAnswer | null }
  | { kind: 'down'; error: string };

/** The maintenance page's JSON answer to an API request (runner/node/maintenance/maintenance-page.ts). */
export interface MaintenanceAnswer {
  error: string;
  retryAfterSeconds: number;
}

/**
 * The root URL (`http://127.0.0.1:P/coin/`) of the web server on `remotePort` of the session's
 * host, under the default base path (`coin run --base-path`, which profiles do not change).
 */
export async function instanceUrl(session: InstanceSession, remotePort: number): Promise<string> {
  return instanceRootUrl(`http://127.0.0.1:${await session.localPortFor(remotePort)}`);
}

/** GET `relative` under `root`; never throws. */
export async function probe(root: string, relative: string, timeoutMs = 5000): Promise<HttpProbe> {
  try {
    const response = await fetch(new URL(relative, root), { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return { kind: 'answered', status: response.status, body, maintenance: maintenanceOf(response, body) };
  } catch (error) {
    return { kind: 'down', error: describeFetchError(error) };
  }
}

/** Polls `relative` until `done` says so or `timeoutMs` passes; resolves to the last probe. */
export async function probeUntil(
  root: string,
  relative: string,
  done: (probe: HttpProbe) => boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<HttpProbe> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe(root, relative, Math.min(5000, Math.max(1000, deadline - Date.now())));
    if (done(result) || Date.now() >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One line for people about a probe: `HTTP 200`, `HTTP 503 (maintenance page: ...)`, `nothing answered (...)`. */
export function describeProbe(result: HttpProbe): string {
  if (result.kind === 'down') return `nothing answered (${result.error})`;
  if (result.maintenance)
    return `HTTP ${result.status} from the maintenance page (${result.maintenance.error})`;
  return `HTTP ${result.status}`;
}

function maintenanceOf(response: Response, body: string): MaintenanceAnswer | null {
  if (response.status !== 503) return null;
  if (/Coin is under maintenance/.test(body) && !body.trimStart().startsWith('{'))
    return {
      error: 'Coin is under maintenance',
      retryAfterSeconds: Number(response.headers.get('retry-after')),
    };
  try {
    const value = JSON.parse(body) as { maintenance?: unknown; error?: unknown; retryAfterSeconds?: unknown };
    if (value.maintenance !== true) return null;
    return {
      error: typeof value.error === 'string' ? value.error : 'Coin is under maintenance',
      retryAfterSeconds: typeof value.retryAfterSeconds === 'number' ? value.retryAfterSeconds : 0,
    };
  } catch {
    return null;
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
