/**
 * `GET <base>/agent/bundle` and `GET <base>/agent/bundle.sha256`: the agent program a VM's
 * bootstrap downloads (`coin agent-bootstrap`, docs/opennebula.md), and its SHA-256 as
 * `sha256sum` prints it. Both need the agent token. The program is the runner's agent bundle
 * (build/out/runner/agent.cjs, one file any Node 20+ runs); a checkout serves it once
 * `npm run build:runner` wrote it and says so when it did not.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  agentBundleChecksumHeader,
  agentBundlePaths,
  agentTokenHeader,
  checksumLine,
} from '../../core/agent-bundle';
import { runnerBundleFiles, runnerLayout, type RunnerLayout } from '../runner-layout';

export interface AgentBundleDeps {
  basePath: string;
  agentToken: string;
  /** The file to serve (default: agentBundleFile()). */
  agentBundle?: string;
}

/** A file of the runner's bundles, in this layout: next to coin.cjs, or under a checkout's build/out. */
export function runnerBundleFile(name: string, layout: RunnerLayout = runnerLayout): string {
  if (layout.kind === 'bundle') return path.join(path.dirname(layout.coinScript), name);
  return path.join(layout.checkoutRoot!, 'build', 'out', 'runner', name);
}

/** The agent bundle this instance serves to VMs. */
export function agentBundleFile(layout: RunnerLayout = runnerLayout): string {
  return runnerBundleFile(runnerBundleFiles.agent, layout);
}

function tokenOk(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The file's SHA-256, computed again only when its size or time changed (a rebuild). */
function checksumCache(file: string) {
  let known: { stamp: string; sha256: string } | undefined;
  return async (): Promise<{ sha256: string; size: number } | undefined> => {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const stamp = `${info.size}:${info.mtimeMs}`;
    if (known?.stamp !== stamp) {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
      known = { stamp, sha256: hash.digest('hex') };
    }
    return { sha256: known.sha256, size: info.size };
  };
}

/** Register both routes on the instance's server (before it listens). */
export function registerAgentBundleRoute(app: FastifyInstance, deps: AgentBundleDeps): void {
  const file = deps.agentBundle ?? agentBundleFile();
  const checksum = checksumCache(file);
  const prepared = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!tokenOk(deps.agentToken, request.headers[agentTokenHeader])) {
      void reply.code(403).send({ error: `this needs the instance's ${agentTokenHeader} header` });
      return undefined;
    }
    const found = await checksum();
    if (!found)
      void reply.code(503).send({
        error: `this instance has no agent bundle at ${file}: run npm run build:runner where it runs`,
      });
    return found;
  };
  app.get(`${deps.basePath}${agentBundlePaths.checksum}`, async (request, reply) => {
    const found = await prepared(request, reply);
    if (found) return reply.type('text/plain; charset=utf-8').send(checksumLine(found.sha256));
    return reply;
  });
  app.get(`${deps.basePath}${agentBundlePaths.bundle}`, async (request, reply) => {
    const found = await prepared(request, reply);
    if (!found) return reply;
    return reply
      .type('application/javascript')
      .header(agentBundleChecksumHeader, found.sha256)
      .header('content-length', found.size)
      .send(createReadStream(file));
  });
}
