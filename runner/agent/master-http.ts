/**
 * The agent's HTTP requests to its instance (downloads of sources and artifacts, uploads of
 * artifacts), on node:http / node:https. Node's global `fetch` loads its HTTP client on first use,
 * which costs a new agent process about 45 ms before its first download (measured: 55 ms for the
 * first request against 9 to 12 ms with node:http on the same loopback server; the second request
 * 2 to 4 ms with either); every work area waits for that download.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { agentTokenHeader } from '../core/agent-protocol';
import { InstructionFailure } from './instruction-failure';

/** The instance an agent works for. */
export interface MasterEndpoint {
  /** The instance's base URL, e.g. http://127.0.0.1:8080/coin */
  baseUrl: string;
  token: string;
}

function target(master: MasterEndpoint, urlPath: string): { url: URL; client: typeof http | typeof https } {
  const url = new URL(master.baseUrl + urlPath);
  return { url, client: url.protocol === 'https:' ? https : http };
}

function failure(what: string, urlPath: string, reason: string): InstructionFailure {
  return new InstructionFailure(`${what} of ${urlPath} failed: ${reason}`, 'system');
}

/** GET `urlPath`: the response, streaming, once it answered 200; anything else is a system failure. */
export function masterGet(master: MasterEndpoint, urlPath: string): Promise<IncomingMessage> {
  const { url, client } = target(master, urlPath);
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers: { [agentTokenHeader]: master.token } }, (response) => {
      if (response.statusCode === 200) return resolve(response);
      response.resume();
      reject(failure('download', urlPath, `HTTP ${response.statusCode}`));
    });
    request.on('error', (error) => reject(failure('download', urlPath, error.message)));
  });
}

/** What the instance answered a PUT with. */
export interface MasterReply {
  status: number;
  body: string;
}

/** PUT `body` (a stream) to `urlPath`; resolves with the answer, whatever its status. */
export function masterPut(
  master: MasterEndpoint,
  urlPath: string,
  body: Readable,
  contentType: string,
): Promise<MasterReply> {
  const { url, client } = target(master, urlPath);
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method: 'PUT', headers: { [agentTokenHeader]: master.token, 'content-type': contentType } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', (error) => reject(failure('upload', urlPath, error.message)));
      },
    );
    request.on('error', (error) => reject(failure('upload', urlPath, error.message)));
    body.on('error', (error) => request.destroy(error));
    body.pipe(request);
  });
}
