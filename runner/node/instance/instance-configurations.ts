/** The platform configurations a local instance offers: this host, plus any files it was given. */
import { readdirSync } from 'node:fs';
import { PlatformConfigLoader, type PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { FsPlatformConfigSource } from '../coin-files/fs-platform-config-source';
import { localHostConfiguration } from './local-host-config';

/** This host first, then every configuration of every file in `platformConfigsDir` (unique names). */
export function instanceConfigurations(platformConfigsDir?: string): PlatformConfiguration[] {
  const configs = [localHostConfiguration()];
  if (!platformConfigsDir) return configs;
  const loader = new PlatformConfigLoader(new FsPlatformConfigSource(platformConfigsDir));
  const names = readdirSync(platformConfigsDir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort();
  for (const name of names) {
    for (const config of loader.load(name).configurations) {
      if (!configs.some((c) => c.name === config.name)) configs.push(config);
    }
  }
  return configs;
}

/** The configurations named in `ids` (all of them when empty); an unknown id is an error listing the valid ones. */
export function pickConfigurations(
  all: readonly PlatformConfiguration[],
  ids: readonly string[],
): PlatformConfiguration[] {
  if (ids.length === 0) return [all[0]!];
  return ids.map((id) => {
    const found = all.find((c) => c.name === id);
    if (!found)
      throw new Error(
        `unknown configuration '${id}'; this instance has: ${all.map((c) => c.name).join(', ')}`,
      );
    return found;
  });
}
