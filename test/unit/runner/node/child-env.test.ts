import { describe, expect, it } from 'vitest';
import { childEnv } from '../../../../runner/node/child-env';

describe('childEnv', () => {
  it('passes on the basics and ELECTRON_RUN_AS_NODE, nothing else, with extras on top', () => {
    const from = {
      PATH: '/usr/bin',
      HOME: '/home/me',
      GIT_DIR: '/elsewhere/.git',
      NODE_OPTIONS: '--require /tmp/x.js',
      ELECTRON_RUN_AS_NODE: '1',
    };
    expect(childEnv({ COIN_AGENT_TOKEN: 't' }, from)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      ELECTRON_RUN_AS_NODE: '1',
      COIN_AGENT_TOKEN: 't',
    });
    expect(childEnv({}, { PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin' });
  });
});
