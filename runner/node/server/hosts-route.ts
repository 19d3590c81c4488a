/**
 * `GET <base>/api/hosts`: the machines agents run on, as the instance's hypervisor sees them
 * (local: this machine; OpenNebula: its hosts with their state, this instance's agents on each
 * and how many agent VMs each takes). A hypervisor that cannot be asked answers 502 with why.
 */
import type { FastifyInstance } from 'fastify';
import type { Hypervisor } from '../../core/hypervisor';

/** Register the route on the instance's server (before it listens). */
export function registerHostsRoute(app: FastifyInstance, basePath: string, hypervisor: Hypervisor): void {
  app.get(`${basePath}/api/hosts`, async (_request, reply) => {
    try {
      return { hypervisor: hypervisor.name, hosts: await hypervisor.hosts() };
    } catch (error) {
      return reply.code(502).send({ error: `${hypervisor.name}: ${(error as Error).message}` });
    }
  });
}
