/** The CLI's way to a running instance: its port from the lock file, its admin token from the working directory. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adminTokenHeader } from '../node/server/coin-server';
import { adminTokenFile } from '../node/instance/coin-instance';
import { readLockInfo } from '../node/store/instance-lock';

/** No instance answers for the working directory. */
export class NoInstanceError extends Error {}

/** The instance answered with an error; the message is one line for people, never raw HTTP. */
export class InstanceRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'InstanceRequestError';
  }
}

/** The `error` of a JSON answer, or the first line of any other text (an HTML page is not shown). */
function reasonOf(text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string' && error.trim()) return error.trim();
  } catch {
    // not JSON
  }
  const line = text.trim().split('\n', 1)[0]?.trim() ?? '';
  return line && !line.startsWith('<') ? line.slice(0, 200) : undefined;
}

/** What an error status means, in words (`reason` is the instance's own, when it said one). */
export function refusal(status: number, text: string, dir: string): InstanceRequestError {
  const reason = reasonOf(text);
  const say = (fallback: string) => new InstanceRequestError(status, reason ?? fallback);
  if (status === 404) return say('the instance has no such thing');
  if (status === 403)
    return new InstanceRequestError(
      status,
      `the instance refused: ${reason ?? 'not allowed'} (the admin token is read from ${path.join(dir, adminTokenFile)})`,
    );
  if (status === 503)
    return new InstanceRequestError(
      status,
      `the instance is under maintenance: ${reason ?? 'try again later'}`,
    );
  if (status >= 500)
    return new InstanceRequestError(
      status,
      `the instance failed to answer (${status}): ${reason ?? 'see its log'}`,
    );
  return new InstanceRequestError(
    status,
    `the instance refused the request: ${reason ?? `status ${status}`}`,
  );
}

export interface InstanceClient {
  baseUrl: string;
  get<T>(urlPath: string): Promise<T>;
  post<T>(urlPath: string, body: unknown): Promise<{ status: number; body: T }>;
  getText(urlPath: string): Promise<string>;
}

/** A client for the instance running in `workingDir`. */
export function connectInstance(workingDir: string, basePath = '/coin'): InstanceClient {
  const dir = path.resolve(workingDir);
  const lock = readLockInfo(dir);
  if (!lock?.port)
    throw new NoInstanceError(
      `no Coin instance is running in ${dir} (start one with: coin run --working-dir ${dir})`,
    );
  let token = '';
  try {
    token = readFileSync(path.join(dir, adminTokenFile), 'utf8').trim();
  } catch {
    // read-only calls work without it
  }
  const baseUrl = `http://127.0.0.1:${lock.port}${basePath}`;
  const request = async (urlPath: string, init?: RequestInit) => {
    try {
      return await fetch(baseUrl + urlPath, init);
    } catch {
      throw new NoInstanceError(
        `the Coin instance of ${dir} (pid ${lock.pid}, port ${lock.port}) does not answer`,
      );
    }
  };
  return {
    baseUrl,
    async get<T>(urlPath: string) {
      const response = await request(urlPath);
      const text = await response.text();
      if (!response.ok) throw refusal(response.status, text, dir);
      return JSON.parse(text) as T;
    },
    async post<T>(urlPath: string, body: unknown) {
      const response = await request(urlPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [adminTokenHeader]: token },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    async getText(urlPath: string) {
      const response = await request(urlPath);
      if (!response.ok) throw refusal(response.status, await response.text(), dir);
      return response.text();
    },
  };
}
