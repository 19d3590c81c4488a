// The agent bundle routes on a real Fastify server: the token is required, the checksum is the
// file's SHA-256 in sha256sum's format (and again in a header of the bundle), a rebuilt file gets
// a new checksum, and an instance without a bundle says how to make one.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, expect, test } from 'vitest';
import {
  agentBundleChecksumHeader,
  agentBundlePaths,
  agentTokenHeader,
  parseChecksumLine,
} from '../../../runner/core/agent-bundle';
import { registerAgentBundleRoute } from '../../../runner/node/server/agent-bundle-route';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let temp: TempDir | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await temp?.remove();
  app = undefined;
  temp = undefined;
});

const token = 'a'.repeat(64);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function serve(file: string): Promise<FastifyInstance> {
  app = Fastify();
  registerAgentBundleRoute(app, { basePath: '/coin', agentToken: token, agentBundle: file });
  await app.ready();
  return app;
}

test('serves the bundle and its SHA-256 to the agent token only; a rebuilt bundle gets its new checksum', async () => {
  temp = await makeTempDir('bundle-route-');
  const file = path.join(temp.path, 'agent.cjs');
  await writeFile(file, '"use strict";\nconsole.log("agent");\n');
  const server = await serve(file);
  const headers = { [agentTokenHeader]: token };
  for (const url of [agentBundlePaths.bundle, agentBundlePaths.checksum]) {
    const refused = await server.inject({
      url: `/coin${url}`,
      headers: { [agentTokenHeader]: 'b'.repeat(64) },
    });
    expect(refused.statusCode).toBe(403);
    expect((await server.inject({ url: `/coin${url}` })).statusCode).toBe(403);
  }
  const line = await server.inject({ url: `/coin${agentBundlePaths.checksum}`, headers });
  expect(line.body).toBe(`${sha('"use strict";\nconsole.log("agent");\n')}  agent.cjs\n`);
  const bundle = await server.inject({ url: `/coin${agentBundlePaths.bundle}`, headers });
  expect(bundle.body).toBe('"use strict";\nconsole.log("agent");\n');
  expect(bundle.headers[agentBundleChecksumHeader]).toBe(parseChecksumLine(line.body));

  await writeFile(file, '"use strict";\nconsole.log("rebuilt agent");\n');
  const again = await server.inject({ url: `/coin${agentBundlePaths.checksum}`, headers });
  expect(parseChecksumLine(again.body)).toBe(sha('"use strict";\nconsole.log("rebuilt agent");\n'));
});

test('an instance without a bundle answers 503 saying how to build it', async () => {
  temp = await makeTempDir('bundle-route-');
  const server = await serve(path.join(temp.path, 'missing.cjs'));
  const answer = await server.inject({
    url: `/coin${agentBundlePaths.bundle}`,
    headers: { [agentTokenHeader]: token },
  });
  expect(answer.statusCode).toBe(503);
  expect(answer.json()).toEqual({
    error: `this instance has no agent bundle at ${path.join(temp.path, 'missing.cjs')}: run npm run build:runner where it runs`,
  });
});
