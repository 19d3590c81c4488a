/** The CLI's way to a running instance: its port from the lock file, its admin token from the working directory. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adminTokenHeader } from '../node/server/coin-server';
import { adminTokenFile } from '../node/instance/coin-instance';
import { readLockInfo } from '../node/store/instance-lock';

/** No instance answers for the working directory. */
export class NoInstanceError extends Error {}

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
      const body = (await response.json()) as T & { error?: string };
      if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
      return body;
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
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      return response.text();
    },
  };
}
