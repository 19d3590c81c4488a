import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostedRunnerLaunch } from '../../../../electron/main/hosted-runner-launch';

const env = { PATH: '/usr/bin', HOME: '/home/me', GIT_DIR: '/x/.git', ELECTRON_RUN_AS_NODE: undefined };

describe('hostedRunnerLaunch', () => {
  it("in development: the checkout's coin.mjs under the node on the PATH, in a clean environment", () => {
    const launch = hostedRunnerLaunch({
      packaged: false,
      execPath: '/src/coin/node_modules/electron/dist/electron',
      bundleDir: path.join('/src/coin', 'build', 'out', 'electron'),
      env,
    });
    expect(launch).toEqual({
      coinCommand: ['node', path.join('/src/coin', 'runner', 'cli', 'coin.mjs')],
      env: { PATH: '/usr/bin', HOME: '/home/me' },
    });
  });

  it('packaged: the app itself as Node on the bundled CLI, unpacked from app.asar', () => {
    const resources = path.join('/opt', 'Coin Admin', 'resources');
    const launch = hostedRunnerLaunch({
      packaged: true,
      execPath: '/opt/Coin Admin/coin-admin',
      bundleDir: path.join(resources, 'app.asar', 'build', 'out', 'electron'),
      env,
    });
    expect(launch).toEqual({
      coinCommand: [
        '/opt/Coin Admin/coin-admin',
        path.join(resources, 'app.asar.unpacked', 'build', 'out', 'runner', 'coin.cjs'),
      ],
      env: { PATH: '/usr/bin', HOME: '/home/me', ELECTRON_RUN_AS_NODE: '1' },
    });
  });
});
