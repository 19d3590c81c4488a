/**
 * Reading an instance's web server from this process: its dashboard root, its read API, or the
 * maintenance page in its place. The URL is the one the session gives (the port itself for this
 * computer, a local end of the profile's SSH tunnel for a master).
 */
import type { InstanceSession } from '../instances/instance-session';

/** The URL path the instance serves under (`coin run --base-path`, which profiles do not change). */
export const basePath = '/coin';

/** What a GET got: an answer (any status), or nothing (refused, reset, timed out). */
export type HttpProbe =
  | { kind: 'answered'; status: number; body: string; maintenance: MaintenanceAnswer | null }
  | { kind: 'down'; error: string };

/** The maintenance page's JSON answer to an API request (runner/node/maintenance/maintenance-page.ts). */
export interface MaintenanceAnswer {
  error: string;
  retryAfterSeconds: number;
}

/** The root URL (`http://127.0.0.1:P/coin/`) of the web server on `remotePort` of the session's host. */
export async function instanceUrl(session: InstanceSession, remotePort: number): Promise<string> {
  return `http://127.0.0.1:${await session.localPortFor(remotePort)}${basePath}/`;
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

/** GET JSON under `root`; throws a readable error for anything but HTTP 200. */
export async function getJson<T>(root: string, relative: string, timeoutMs = 10_000): Promise<T> {
  const result = await probe(root, relative, timeoutMs);
  const what = relative.split('?')[0];
  if (result.kind === 'down') throw new Error(`${what}: nothing answered (${result.error})`);
  if (result.maintenance)
    throw new Error(`${what}: the maintenance page answered (${result.maintenance.error})`);
  if (result.status !== 200) throw new Error(`${what} answered HTTP ${result.status}`);
  try {
    return JSON.parse(result.body) as T;
  } catch {
    throw new Error(`${what} did not answer JSON`);
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
