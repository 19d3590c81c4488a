// The XML-RPC client against the OpenNebula fake over real HTTP: typed errors, ownership, the
// VM life cycle up to a booted process that got the CONTEXT values, latency.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  parseHostPool,
  parseTemplatePool,
  parseVm,
  parseVmPool,
} from '../../../runner/core/opennebula/one-pools';
import { agentExtraTemplate } from '../../../runner/core/opennebula/one-template';
import { oneErrorCodes } from '../../../runner/core/opennebula/one-states';
import { OneClient, OneError } from '../../../runner/node/hypervisors/opennebula/one-client';
import { removeVm } from '../../../runner/node/hypervisors/opennebula/vm-removal';
import { startOneFake, type OneFake } from '../../fakes/opennebula/one-fake';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let fake: OneFake;

// What the "VM image" runs at boot here: a process that writes what it was given and waits.
const probe = `require('fs').writeFileSync(process.argv[process.argv.indexOf('--work-root') + 1] + '/../probe.json',
  JSON.stringify({ argv: process.argv.slice(1), token: process.env.COIN_AGENT_TOKEN })); setInterval(() => {}, 1000);`;

beforeAll(async () => {
  root = await makeTempDir('one-client-');
  fake = await startOneFake({
    root: root.path,
    users: [
      { name: 'coin', password: 'secret' },
      { name: 'vmbuilder', password: 'real' },
    ],
    hosts: [{ name: 'aquila-1', attributes: { NESTED_VIRT: 'true' } }],
    templates: [{ name: 'qtci-linux-Ubuntu-22.04-x86_64-50' }],
    agentCommand: [process.execPath, '-e', probe, '--'],
    stepMs: 50,
  });
});

afterAll(async () => {
  await fake.stop();
  await root.remove();
});

async function until<T>(check: () => Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('OneClient against the fake', () => {
  test('a VM from a template boots a process that got its CONTEXT; terminate kills it', async () => {
    const client = new OneClient({ url: fake.url, session: 'coin:secret' });
    expect(await client.version()).toMatch(/^\d+\.\d+/);
    const [template] = parseTemplatePool(await client.templatePoolInfo());
    const extra = agentExtraTemplate({
      baseContext: template!.context,
      masterUrl: 'http://127.0.0.1:1/coin',
      token: 'tok',
      agentId: 'vm-abc',
      schedRequirements: 'NESTED_VIRT = true',
    });
    const id = await client.templateInstantiate(template!.id, 'coin-test-vm-abc', extra);
    const vm = await until(async () => {
      const v = parseVm(await client.vmInfo(id));
      return v.lcmState === 3 && v;
    }, 'RUNNING');
    expect(vm).toMatchObject({ name: 'coin-test-vm-abc', uname: 'coin', hostname: 'aquila-1' });
    expect(vm.userTemplate.SCHED_REQUIREMENTS).toBe('NESTED_VIRT = true');
    const probeFile = path.join(root.path, `vm-${id}`, 'probe.json');
    const seen = await until(() => readFile(probeFile, 'utf8').catch(() => undefined), 'the booted process');
    const { argv, token } = JSON.parse(seen) as { argv: string[]; token: string };
    expect(token).toBe('tok');
    expect(argv).toEqual(
      expect.arrayContaining(['--master', 'http://127.0.0.1:1/coin', '--agent-id', 'vm-abc']),
    );
    const pid = fake.agentPid(id)!;
    expect(pid).toBeGreaterThan(0);
    const hosts = parseHostPool(await client.hostPoolInfo());
    expect(hosts[0]!.vmIds).toEqual([id]);
    await client.vmAction('terminate-hard', id);
    await until(async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the agent process to end');
    // asynchronous: the VM is DONE (out of the pool) only after SHUTDOWN and EPILOG
    await until(async () => parseVmPool(await client.vmPoolInfo()).length === 0, 'the VM to be DONE');
  });

  test('typed errors: authentication, no such VM, another user’s VM, a fault, no server', async () => {
    const wrong = new OneClient({ url: fake.url, session: 'coin:nope' });
    const auth = await wrong.vmPoolInfo().catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(OneError);
    expect(auth).toMatchObject({
      code: oneErrorCodes.AUTHENTICATION,
      codeName: 'AUTHENTICATION',
      method: 'one.vmpool.info',
    });
    expect((auth as Error).message).toBe(
      "OpenNebula one.vmpool.info: AUTHENTICATION: [one.vmpool.info] User couldn't be authenticated, aborting call.",
    );
    const client = new OneClient({ url: fake.url, session: 'coin:secret' });
    await expect(client.vmInfo(999)).rejects.toMatchObject({ codeName: 'NO_EXISTS' });
    const real = new OneClient({ url: fake.url, session: 'vmbuilder:real' });
    const theirs = await real.templateInstantiate(0, 'coin-real-vm-1', '');
    await expect(client.vmAction('terminate-hard', theirs)).rejects.toMatchObject({
      codeName: 'AUTHORIZATION',
    });
    expect(parseVmPool(await client.vmPoolInfo()).map((v) => v.id)).not.toContain(theirs);
    await expect(client.call('one.vm.info', ['not a number', false])).rejects.toMatchObject({
      code: null,
      detail: expect.stringMatching(/fault -501: .*must be an integer/),
    });
    await expect(real.vmRecover(theirs, 3)).rejects.toMatchObject({ codeName: 'AUTHORIZATION' });
    // terminate-hard is refused while the VM is in PROLOG or BOOT: removeVm waits for a state that takes it
    await removeVm(real, theirs, { timeoutMs: 10_000 });
    expect(parseVm(await real.vmInfo(theirs)).state).toBe(6 /* DONE */);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const gone = new OneClient({ url: `http://127.0.0.1:${port}/RPC2`, session: 'coin:secret' });
    await expect(gone.version()).rejects.toMatchObject({
      codeName: 'TRANSPORT',
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  test('latency: a slow front-end answers late, a call that takes too long times out', async () => {
    fake.setLatency(300);
    try {
      const client = new OneClient({ url: fake.url, session: 'coin:secret', timeoutMs: 100 });
      await expect(client.version()).rejects.toMatchObject({ detail: 'no answer within 100 ms' });
      const patient = new OneClient({ url: fake.url, session: 'coin:secret' });
      const start = Date.now();
      await patient.version();
      expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    } finally {
      fake.setLatency(0);
    }
  });
});
