/**
 * `GET <base>/api/version`: what this instance runs (Coin Admin's version and the git revision of
 * its checkout or build, the COIN revision of its build keys, its Node and platform), so a page
 * the instance serves can say it in a bug report draft without access to the host.
 */
import type { FastifyInstance } from 'fastify';
import { COIN_REVISION } from '../../core/build-key';
import { instanceRoutes, routeUrl, type InstanceVersion } from '../../core/instance-api';
import { appVersion } from '../app-version';

export function registerVersionRoute(app: FastifyInstance, basePath: string): void {
  app.get(routeUrl(basePath, instanceRoutes.version), async (): Promise<InstanceVersion> => {
    const { name, version, revision } = appVersion();
    return {
      name,
      version,
      revision,
      coinRevision: COIN_REVISION,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    };
  });
}
