// The agent's requests to its instance over node:http, against a real loopback server: the token
// goes with every request, a download streams, an upload streams its body, and every way a request
// can fail is a system failure that names the path and why.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { agentTokenHeader } from '../../../runner/core/agent-protocol';
import { InstructionFailure } from '../../../runner/agent/instruction-failure';
import { masterGet, masterPut } from '../../../runner/agent/master-http';

let server: http.Server;
let baseUrl: string;
const seen: { method?: string; url?: string; token?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      seen.push({
        method: request.method,
        url: request.url,
        token: request.headers[agentTokenHeader] as string | undefined,
        body,
      });
      if (request.url === '/coin/missing') response.writeHead(404).end('no');
      else if (request.method === 'PUT') response.end(JSON.stringify({ key: 'k1', length: body.length }));
      else response.end('x'.repeat(200_000));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/coin`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('a download streams the answer and sends the token', async () => {
  const response = await masterGet({ baseUrl, token: 't0k' }, '/agent/source/a');
  expect(await text(response)).toBe('x'.repeat(200_000));
  expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/coin/agent/source/a', token: 't0k' });
});

test('an upload streams its body and gets the answer whatever its status', async () => {
  const body = Readable.from(['part one, ', 'part two']);
  const reply = await masterPut({ baseUrl, token: 't0k' }, '/agent/artifacts?x=1', body, 'application/gzip');
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toEqual({ key: 'k1', length: 18 });
  expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/coin/agent/artifacts?x=1', token: 't0k' });
  const missing = await masterPut({ baseUrl, token: 't0k' }, '/missing', Readable.from(['x']), 'text/plain');
  expect(missing).toEqual({ status: 404, body: 'no' });
});

test('a refused status or connection is a system failure naming the path', async () => {
  const refused = masterGet({ baseUrl, token: 't' }, '/missing');
  await expect(refused).rejects.toThrow('download of /missing failed: HTTP 404');
  await expect(refused).rejects.toBeInstanceOf(InstructionFailure);
  await expect(refused).rejects.toMatchObject({ kind: 'system' });
  // A port nothing listens on: take one from a server that has just closed.
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const gone = { baseUrl: `http://127.0.0.1:${port}/coin`, token: 't' };
  await expect(masterGet(gone, '/agent/source/a')).rejects.toThrow(
    /download of \/agent\/source\/a failed: .*ECONNREFUSED/,
  );
  await expect(masterPut(gone, '/agent/artifacts', Readable.from(['x']), 'application/gzip')).rejects.toThrow(
    /upload of \/agent\/artifacts failed: .*ECONNREFUSED/,
  );
});
