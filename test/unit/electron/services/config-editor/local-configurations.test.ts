import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { parsePlatformConfigFile } from '../../../../../runner/core/coin-files/platform-configs';
import { localHostConfiguration } from '../../../../../runner/node/instance/local-host-config';
import {
  describeConfigurations,
  localConfigurations,
  platformConfigsDirOf,
} from '../../../../../electron/services/config-editor/local-configurations';
import { makeTempDir } from '../../../../helpers/temp-dir';

const fixture = path.resolve(
  import.meta.dirname,
  '../../../../fixtures/modules/platform_configs/every-instruction.yaml',
);

test('the --platform-configs directory is found in the recorded coin run arguments', () => {
  expect(platformConfigsDirOf(['--port', '0', '--platform-configs', '/srv/pc'])).toBe('/srv/pc');
  expect(platformConfigsDirOf(['--platform-configs=/srv/pc2'])).toBe('/srv/pc2');
  expect(platformConfigsDirOf(['--port', '0'])).toBeUndefined();
});

test('configurations are described with the attributes sched rules match', () => {
  const file = parsePlatformConfigFile('every-instruction.yaml', fixture, readFileSync(fixture, 'utf8'));
  const described = describeConfigurations([localHostConfiguration(), ...file.configurations]);
  expect(described[0]!.source).toBe('local host');
  const linux = described.find((c) => c.id === 'local-linux')!;
  expect(linux.source).toBe('platform configurations');
  expect(linux.properties).toMatchObject({
    'host.os': 'Linux',
    'host.osVersion': 'Ubuntu_22_04',
    'host.compiler': 'GCC',
    features: ['Documentation'],
    id: 'local-linux',
  });
});

test('a local instance never started as a service offers this computer only', async () => {
  const work = await makeTempDir('config-editor-local-');
  try {
    const configurations = localConfigurations(work.path);
    expect(configurations.map((c) => [c.id, c.source])).toEqual([
      [localHostConfiguration().name, 'local host'],
    ]);
    expect(configurations[0]!.properties).toMatchObject({ 'host.os': 'Linux', features: ['LocalHost'] });
  } finally {
    await work.remove();
  }
});
