// `coin agent-bootstrap`, the program a Coin VM image runs at boot, against a real
// `coin run --hypervisor opennebula` whose VMs the OpenNebula fake "boots" with
// test/helpers/one-context-vm.ts: the instance's CONTEXT laid out as oned writes context.sh, the
// bootstrap run as user nobody, reaching the instance on its loopback address. The agent it
// downloads registers under the VM's agent id and runs the integration's work items. Then the
// refusals: an agent whose bytes do not match the published SHA-256, and a wrong token.
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatContextFile } from '../../../runner/agent/bootstrap/context-file';
import { InstanceClient } from '../../../runner/client/instance-client';
import { agentBundlePaths, agentTokenHeader } from '../../../runner/core/agent-bundle';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { vmStates } from '../../../runner/core/opennebula/one-states';
import { agentBundleFile, runnerBundleFile } from '../../../runner/node/server/agent-bundle-route';
import { agentStartScript } from '../../../runner/core/agent-bootstrap-script';
import { agentContextKeys } from '../../../runner/core/opennebula/one-template';
import { startOneFake, type OneFake } from '../../fakes/opennebula/one-fake';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { nobody, startScriptFile } from '../../helpers/one-context-vm';
import { runCoin, type CoinResult } from '../../helpers/run-coin';
import { makeTempDir, tempRoot, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

/** A build step that prints the uid the agent's commands run as. */
const idStep =
  '    - type: ExecuteCommand\n      command: "id -u"\n      userMessageOnFailure: "id failed"\n';
const template = 'qtci-linux-Ubuntu-22.04-x86_64-50';
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const vmProgram = path.resolve(import.meta.dirname, '..', '..', 'helpers', 'one-context-vm.ts');

let root: TempDir;
/** Where the "VMs" keep their files: nobody's, inside the test's temp dir. */
let vmRoot: string;
let fake: OneFake;
let coin: CoinProcess;
let work: string;
/** The agent bundle the instance serves, and what `coin agent-bootstrap --start-script` printed. */
let agentProgram: Buffer;
let startScript: { printed: CoinResult; base64: CoinResult; inline: string };

beforeAll(async () => {
  root = await makeTempDir('agent-bootstrap-');
  // nobody passes through the test's directories (not list them) to reach its own
  for (const dir of [tempRoot(), root.path]) chmodSync(dir, 0o711);
  vmRoot = path.join(root.path, 'vms');
  await mkdir(vmRoot);
  chownSync(vmRoot, nobody.uid, nobody.gid);
  fake = await startOneFake({
    root: path.join(root.path, 'fake'),
    users: [{ name: 'coin', password: 'pw' }],
    hosts: [{ name: 'aquila-1', attributes: {} }],
    templates: [{ name: template, owner: 'oneadmin' }],
    agentCommand: [process.execPath, '--import', tsxLoader, vmProgram, vmRoot],
    stepMs: 50,
  });
  await writeFile(path.join(root.path, 'one_auth'), 'coin:pw\n', { mode: 0o600 });
  const configs = path.join(root.path, 'platform_configs');
  await mkdir(configs);
  const config = ['Version: 2', 'Configurations:', "- Id: 'ubuntu-22.04'", `  Template: '${template}'`];
  await writeFile(path.join(configs, 'demo.yaml'), [...config, "  Compiler: 'GCC'", ''].join('\n'));
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(idStep),
    'tool.c': toolSource,
  });
  work = path.join(root.path, 'work');
  await mkdir(work);
  // read right after the global setup built them: other test runs on this checkout rebuild them
  agentProgram = readFileSync(agentBundleFile());
  startScript = {
    printed: await runCoin(['agent-bootstrap', '--start-script']),
    base64: await runCoin(['agent-bootstrap', '--start-script', '--base64']),
    inline: readFileSync(runnerBundleFile('agent-bootstrap.cjs'), 'utf8'),
  };
});

/** A real instance whose agents are OpenNebula VMs of the fake. */
function startInstance(): Promise<CoinProcess> {
  return startCoin(work, [
    ...['--hypervisor', 'opennebula', '--one-xmlrpc', fake.url],
    ...['--one-auth-file', path.join(root.path, 'one_auth'), '--own-ip', '127.0.0.1'],
    ...['--platform-configs', path.join(root.path, 'platform_configs'), '--max-agents', '1'],
  ]);
}

afterAll(async () => {
  await fake?.stop();
  await root?.remove();
});

/** Run `coin agent-bootstrap` as nobody with a context file laid out as oned writes it. */
async function bootstrapAsNobody(name: string, context: Record<string, string>) {
  const dir = path.join(vmRoot, name);
  await mkdir(dir);
  chownSync(dir, nobody.uid, nobody.gid);
  const contextFile = path.join(dir, 'context.sh');
  await writeFile(contextFile, formatContextFile(context), { mode: 0o444 });
  const asNobody = ['--reuid', String(nobody.uid), '--regid', String(nobody.gid), '--clear-groups', '--'];
  const result = await runCoin(
    ['agent-bootstrap', '--context-file', contextFile, '--work-root', `${dir}/agent`],
    {
      launch: {
        command: ['setpriv', ...asNobody, process.execPath, path.resolve('runner/cli/coin.mjs')],
        env: { PATH: process.env.PATH ?? '', HOME: dir },
        cwd: dir,
      },
    },
  );
  return { ...result, agentDir: path.join(dir, 'agent') };
}

/** What the bootstraps the START_SCRIPTs started wrote (for a failure's message). */
function agentLogs(): string {
  return readdirSync(vmRoot)
    .map((name) => path.join(vmRoot, name, 'agent', 'agent.log'))
    .filter((file) => existsSync(file))
    .map((file) => `${file}:\n${readFileSync(file, 'utf8')}`)
    .join('\n');
}

/** VMs of the instance that are not DONE. */
function runningVms(): number[] {
  return fake.state.vms.filter((vm) => vm.state !== vmStates.DONE).map((vm) => vm.id);
}

/** The token and agent id the instance put into its newest VM's CONTEXT (OpenNebula keeps them). */
function vmContext(): Record<string, string> {
  const vm = fake.state.vms.filter((v) => v.context[agentContextKeys.token]).at(-1);
  if (!vm) throw new Error('the instance started no VM');
  return vm.context;
}

describe('coin agent-bootstrap in a VM', () => {
  test('reads the context, downloads and checks the agent, which registers as the VM and runs the work items; refuses a corrupted agent and a wrong token', async () => {
    coin = await startInstance();
    try {
      await integratesOnBootstrappedVm();
      await refusesCorruptedAgent();
      await refusesWrongToken();
    } finally {
      expect(await coin.stop()).toBe(0);
      await fake.agentsStopped();
    }
    // stopping the instance terminated its VM, and with it the bootstrap and its agent
    await expect.poll(() => runningVms(), { timeout: 30_000 }).toEqual([]);
  }, 180_000);

  test('the START_SCRIPT that `coin agent-bootstrap --start-script` prints, run as one-context runs it, brings the agent up', async () => {
    const { printed, base64, inline } = startScript;
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(agentStartScript(inline));
    expect(Buffer.from(base64.stdout.trim(), 'base64').toString()).toBe(printed.stdout);
    await writeFile(startScriptFile(vmRoot), printed.stdout);
    // a new commit, so the build runs again (on a new VM of a new instance)
    await commitModule(root.path, 'demo/tool', { 'tool.c': `${toolSource}\n/* again */\n` });
    coin = await startInstance();
    try {
      const agentId = await integrateOnVm();
      const agentDir = path.join(vmRoot, agentId, 'agent');
      expect(readFileSync(path.join(agentDir, 'agent-bootstrap.cjs'), 'utf8')).toBe(inline);
      expect(readFileSync(path.join(agentDir, 'agent.cjs'))).toEqual(agentProgram);
      const output = fake.agentOutput.join('\n');
      expect(output).toMatch(/coin agent-bootstrap: started with \S+node \(pid \d+, log .*agent\.log\)/);
      expect(readFileSync(path.join(agentDir, 'agent.log'), 'utf8')).toMatch(
        new RegExp(`agent ${agentId} of http://127\\.0\\.0\\.1:\\d+/coin \\(from .*context\\.sh\\)`),
      );
    } finally {
      expect(await coin.stop()).toBe(0);
      await fake.agentsStopped();
    }
    await expect.poll(() => runningVms(), { timeout: 30_000 }).toEqual([]);
  }, 180_000);
});

/** Integrate demo/tool on a VM; checks it passed with its build run as nobody; the agent's id. */
async function integrateOnVm(): Promise<string> {
  const result = await runCoin(
    [
      'integrate',
      path.join(root.path, 'demo/tool'),
      '--ref',
      'main',
      '--working-dir',
      work,
      '--config',
      'ubuntu-22.04',
      '--wait',
      '--json',
    ],
    { timeoutMs: 120_000 },
  );
  const task = JSON.parse(result.stdout || '{}') as {
    state?: string;
    workItems?: { id: string; kind: string; state: string }[];
  };
  expect(
    task.state,
    `${result.stdout}\n${result.stderr}\n${fake.agentOutput.join('\n')}\n${agentLogs()}\n${coin.output().slice(-3000)}`,
  ).toBe('Passed');
  expect(task.workItems!.map((w) => [w.kind, w.state])).toEqual([
    ['build', 'Done'],
    ['test', 'Done'],
  ]);
  const client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${coin.port}`) });
  // the build ran as the VM's user: its `id -u` step printed nobody's uid
  const buildLog = await client.workItemLog(task.workItems![0]!.id);
  expect(buildLog).toMatch(new RegExp(`^${nobody.uid}$`, 'm'));
  const agentId = vmContext()[agentContextKeys.agentId]!;
  const agents = await client.agents();
  expect(agents.find((a) => a.id === agentId)?.hypervisor).toBe('opennebula');
  expect(coin.output()).toContain(`agent ${agentId} connected`);
  return agentId;
}

async function integratesOnBootstrappedVm(): Promise<void> {
  const agentId = await integrateOnVm();
  // what connected is the program the bootstrap downloaded, checked and saved
  const saved = path.join(vmRoot, agentId, 'agent', 'agent.cjs');
  expect(statSync(saved).uid).toBe(nobody.uid);
  expect(readFileSync(saved)).toEqual(agentProgram);
  expect(fake.agentOutput.join('\n')).toMatch(
    /agent program .*agent\.cjs \(\d+ bytes, sha256 [0-9a-f]{64}\) starts/,
  );
}

/** A proxy between VM and instance changes one byte of the agent: the bootstrap runs nothing. */
async function refusesCorruptedAgent(): Promise<void> {
  // a proxy between VM and instance that changes one byte of the agent on the way
  const upstream = `http://127.0.0.1:${coin.port}`;
  const proxy = http.createServer((request, response) => {
    void fetch(upstream + request.url, {
      headers: { [agentTokenHeader]: String(request.headers[agentTokenHeader]) },
    }).then(async (answer) => {
      const body = Buffer.from(await answer.arrayBuffer());
      if (request.url!.endsWith(agentBundlePaths.bundle)) body[100] = body[100]! ^ 1;
      response
        .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' })
        .end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const port = (proxy.address() as { port: number }).port;
    const { code, stderr, agentDir } = await bootstrapAsNobody('corrupted', {
      ...vmContext(),
      [agentContextKeys.masterUrl]: `http://127.0.0.1:${port}/coin`,
      [agentContextKeys.agentId]: 'vm-corrupted',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      /^coin agent-bootstrap: the agent downloaded from http:\/\/127\.0\.0\.1:\d+\/coin does not match its SHA-256 \(expected [0-9a-f]{64}, got [0-9a-f]{64}\): not started$/,
    );
    expect(existsSync(path.join(agentDir, 'agent.cjs'))).toBe(false);
    expect(coin.output()).not.toContain('agent vm-corrupted connected');
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
}

/** A token that is not the instance's is refused with one line: nothing is downloaded or run. */
async function refusesWrongToken(): Promise<void> {
  const { code, stderr, agentDir } = await bootstrapAsNobody('wrong-token', {
    ...vmContext(),
    [agentContextKeys.token]: 'f'.repeat(64),
    [agentContextKeys.agentId]: 'vm-wrong-token',
  });
  expect(code).toBe(1);
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(
    /^coin agent-bootstrap: agent vm-wrong-token of http:\/\/127\.0\.0\.1:\d+\/coin \(from .*context\.sh\)$/,
  );
  expect(lines.slice(1)).toEqual([
    `coin agent-bootstrap: the instance at http://127.0.0.1:${coin.port}/coin refused the agent token of ${path.join(vmRoot, 'wrong-token', 'context.sh')} (403): it is not this instance's token (was the instance restarted since the VM was made?)`,
  ]);
  expect(existsSync(agentDir)).toBe(false);
  expect(coin.output()).not.toContain('agent vm-wrong-token connected');
}
