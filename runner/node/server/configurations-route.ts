/**
 * `GET <base>/api/configurations`: the platform configurations this instance offers, with the
 * properties conditions and sched rules read (for the configuration editor's rule tester).
 */
import type { FastifyInstance } from 'fastify';
import { configProperties } from '../../core/coin-files/config-properties';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';

/** Register the route on the instance's server (before it listens). */
export function registerConfigurationsRoute(
  app: FastifyInstance,
  basePath: string,
  configurations: readonly PlatformConfiguration[],
): void {
  const byName = (name: string) => configurations.find((c) => c.name === name);
  const listing = configurations.map((config) => ({
    id: config.name,
    template: config.template,
    compiler: config.compiler,
    targetOs: config.targetOs ?? null,
    targetArch: config.targetArch ?? null,
    features: config.features,
    source: config.source,
    properties: configProperties(config, byName),
  }));
  app.get(`${basePath}/api/configurations`, async () => ({ configurations: listing }));
}
