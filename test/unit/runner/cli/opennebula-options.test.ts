import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError, type CliIo } from '../../../../runner/cli/cli-io';
import {
  openNebulaInstanceOptions,
  type OpenNebulaCliOptions,
} from '../../../../runner/cli/opennebula-options';
import { makeTempDir, type TempDir } from '../../../helpers/temp-dir';

const io: CliIo = {
  out: () => undefined,
  err: () => undefined,
  setExitCode: () => undefined,
  usageError: (message) => new UsageError(message),
};
let temp: TempDir;
let auth: string;

beforeAll(async () => {
  temp = await makeTempDir('one-options-');
  auth = path.join(temp.path, 'auth');
  writeFileSync(auth, 'coin:s3cret:with:colons\n');
  mkdirSync(path.join(temp.path, '.one'));
  writeFileSync(path.join(temp.path, '.one', 'one_auth'), 'home:pw\n');
});
afterAll(() => temp.remove());

const one = (opts: Partial<OpenNebulaCliOptions>, env: NodeJS.ProcessEnv = {}) =>
  openNebulaInstanceOptions({ hypervisor: 'opennebula', ...opts }, io, env);

describe('coin run --hypervisor opennebula options', () => {
  test('flags, or the environment Coin uses (ONE_XMLRPC, ONE_AUTH, QT_CI_OWN_IP, ~/.one/one_auth)', () => {
    expect(one({ oneXmlrpc: 'http://one:2633/RPC2', oneAuthFile: auth, ownIp: '10.0.0.5' })).toEqual({
      url: 'http://one:2633/RPC2',
      session: 'coin:s3cret:with:colons',
      ownAddress: '10.0.0.5',
      provisionTimeoutMs: 900_000,
    });
    expect(
      one(
        { oneProvisionTimeout: '2.5' },
        { ONE_XMLRPC: 'http://f:2633/RPC2', ONE_AUTH: auth, QT_CI_OWN_IP: '10.1.1.1' },
      ),
    ).toMatchObject({ url: 'http://f:2633/RPC2', ownAddress: '10.1.1.1', provisionTimeoutMs: 2500 });
    expect(
      one({}, { ONE_XMLRPC: 'http://f:2633/RPC2', HOME: temp.path, QT_CI_OWN_IP: '10.1.1.1' })!.session,
    ).toBe('home:pw');
  });

  test('usage errors name what is missing', () => {
    expect(() => one({}, {})).toThrow('--hypervisor opennebula needs --one-xmlrpc URL or ONE_XMLRPC');
    expect(() => one({ oneXmlrpc: 'one:2633' })).toThrow(
      "--one-xmlrpc: expected http(s)://host:port/RPC2, got 'one:2633'",
    );
    expect(() => one({ oneXmlrpc: 'http://one:2633/RPC2', oneAuthFile: '/nonexistent/auth' })).toThrow(
      /^--one-auth-file: cannot read \/nonexistent\/auth: ENOENT/,
    );
    writeFileSync(path.join(temp.path, 'bad'), 'no colon here\n');
    expect(() =>
      one({ oneXmlrpc: 'http://one:2633/RPC2', oneAuthFile: path.join(temp.path, 'bad') }),
    ).toThrow(/must hold user:password on its first line/);
    expect(() => one({ oneXmlrpc: 'http://one:2633/RPC2', oneAuthFile: auth })).toThrow(
      /needs --own-ip ADDRESS or QT_CI_OWN_IP/,
    );
    expect(() =>
      one({ oneXmlrpc: 'http://one:2633/RPC2', oneAuthFile: auth, ownIp: 'x', oneProvisionTimeout: '0' }),
    ).toThrow(/--one-provision-timeout must be a number of seconds > 0/);
    expect(() => openNebulaInstanceOptions({ hypervisor: 'local', ownIp: '1.2.3.4' }, io, {})).toThrow(
      /need --hypervisor opennebula/,
    );
    expect(openNebulaInstanceOptions({ hypervisor: 'local' }, io, {})).toBeUndefined();
  });
});
