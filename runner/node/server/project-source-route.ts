/**
 * `GET <base>/agent/project-source?workItem=&project=&ref=`: another project's sources for
 * InstallSourceArchive, from a checkout found where the work item's dependencies are looked for.
 */
import { timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { agentTokenHeader } from '../../core/agent-protocol';
import type { SourceCache } from '../sources/source-cache';
import type { WorkUnit } from '../../core/work-unit';
import { findCheckout } from '../sources/git-repo-file-resolver';
import { resolveRef, SourceInputError } from '../sources/git-snapshot';

export interface ProjectSourceDeps {
  basePath: string;
  agentToken: string;
  units: ReadonlyMap<string, WorkUnit>;
  sources: SourceCache;
}

function tokenOk(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Register the route on the instance's server (before it listens). */
export function registerProjectSourceRoute(app: FastifyInstance, deps: ProjectSourceDeps): void {
  app.get(`${deps.basePath}/agent/project-source`, async (request, reply) => {
    if (!tokenOk(deps.agentToken, request.headers[agentTokenHeader]))
      return reply.code(403).send({ error: 'agent token required' });
    const query = request.query as { workItem?: string; project?: string; ref?: string };
    const unit = query.workItem ? deps.units.get(query.workItem) : undefined;
    if (!unit || !query.project || !query.ref)
      return reply.code(400).send({ error: 'workItem, project and ref are required' });
    const checkout = findCheckout(query.project, unit.searchRoots);
    if (!checkout)
      return reply
        .code(404)
        .send({ error: `no checkout of ${query.project} under ${unit.searchRoots.join(', ')}` });
    try {
      const file = await deps.sources.archive(checkout, await resolveRef(checkout, query.ref));
      return reply.type('application/gzip').sendFile(path.basename(file), path.dirname(file));
    } catch (error) {
      if (error instanceof SourceInputError) return reply.code(404).send({ error: error.message });
      throw error;
    }
  });
}
