// Jump host chains and agents as OpenSSH reads them from ~/.ssh/config, against three real
// OpenSSH servers on loopback (a -> b -> target) and a real ssh-agent: recursive ProxyJump, a
// `ProxyJump a,b` list, each hop's host key verified before anything is sent to it, IdentityAgent
// (a key only the agent holds) and IdentitiesOnly (the agent's other keys are never offered).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../electron/services/instances/instance-services';
import { childEnv } from '../../../runner/node/child-env';
import { sshFingerprint } from '../../../runner/node/ssh/ssh-fingerprint';
import { sleep } from '../../helpers/process-tree';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { sshdProfile } from './ssh-fixture';

const execFileAsync = promisify(execFile);

let hopA: SshdHandle;
let hopB: SshdHandle;
let target: SshdHandle;
let data: TempDir;
let sshDir: string;
let services: InstanceServices;
let agent: ChildProcess | undefined;

beforeAll(async () => {
  [hopA, hopB, target] = await Promise.all([startSshd(), startSshd(), startSshd()]);
});
afterAll(async () => {
  await Promise.all([hopA?.stop(), hopB?.stop(), target?.stop()]);
});
beforeEach(async () => {
  data = await makeTempDir('jump-chain-');
  sshDir = path.join(data.path, 'ssh');
  await fs.mkdir(sshDir);
  services = createInstanceServices({ dataDir: data.path, sshDir });
});
afterEach(async () => {
  await services.closeAll();
  if (agent && agent.exitCode === null && agent.signalCode === null) {
    agent.kill('SIGTERM');
    await once(agent, 'exit');
  }
  agent = undefined;
  await data.remove();
});

async function know(...servers: SshdHandle[]): Promise<void> {
  const lines = servers.map((s) => `[${s.host}]:${s.port} ${s.hostPublicKey}\n`).join('');
  await fs.appendFile(path.join(sshDir, 'known_hosts'), lines);
}

function hostBlock(alias: string, server: SshdHandle, extra: string[]): string {
  return [
    `Host ${alias}`,
    `  HostName ${server.host}`,
    `  Port ${server.port}`,
    `  User ${server.username}`,
    ...extra.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

async function writeConfig(...blocks: string[]): Promise<void> {
  await fs.writeFile(path.join(sshDir, 'config'), blocks.join('\n'));
}

async function fingerprintOf(pubFile: string): Promise<string> {
  const blob = (await fs.readFile(pubFile, 'utf8')).split(' ')[1] ?? '';
  return sshFingerprint(Buffer.from(blob, 'base64'));
}

function logFrom(server: SshdHandle): () => string {
  const start = server.log().length;
  return () => server.log().slice(start);
}

async function connectVia(jumpHost: string) {
  const { id: _id, ...input } = sshdProfile(target, {
    jump: { host: jumpHost, port: null, user: null, auth: null },
    workingDir: data.path,
  });
  const profile = await services.api.profilesSave({ profile: input });
  return { profile, status: await services.api.instanceStatus({ profileId: profile.id }) };
}

async function waitFor(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 400) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const authLines = /Accepted publickey|Failed publickey|Postponed publickey/;

test('recursive ProxyJump: the target through hop-b, which ~/.ssh/config reaches through hop-a, each with its own key', async () => {
  await know(hopA, hopB, target);
  await writeConfig(
    hostBlock('hop-a', hopA, [`IdentityFile ${hopA.clientKeyPath}`]),
    hostBlock('hop-b', hopB, [`IdentityFile ${hopB.clientKeyPath}`, 'ProxyJump hop-a']),
  );
  const logs = [logFrom(hopA), logFrom(hopB), logFrom(target)];
  const { status } = await connectVia('hop-b');
  expect(status.connection).toMatchObject({ state: 'connected', error: null });
  expect(status.disk?.freeBytes).toBeGreaterThan(0); // `df` ran on the target, through both hops

  const keys = await Promise.all([hopA, hopB, target].map((s) => fingerprintOf(`${s.clientKeyPath}.pub`)));
  await waitFor('three logins', () => logs.every((log) => log().includes('Accepted publickey')));
  logs.forEach((log, index) => {
    expect(log()).toContain(keys[index]);
    for (const other of keys.filter((_, i) => i !== index)) expect(log()).not.toContain(other);
  });
});

test("ProxyJump a,b: hop-b's unknown host key stops the chain before any credential reaches it", async () => {
  await know(hopA, target);
  await writeConfig(
    hostBlock('hop-a', hopA, [`IdentityFile ${hopA.clientKeyPath}`]),
    hostBlock('hop-b', hopB, [`IdentityFile ${hopB.clientKeyPath}`]),
  );
  const [aLog, bLog, targetLog] = [logFrom(hopA), logFrom(hopB), logFrom(target)];
  const { profile, status } = await connectVia('hop-a,hop-b');
  expect(status.connection).toMatchObject({
    state: 'failed',
    hostKey: { kind: 'unknown', port: hopB.port, fingerprint: hopB.hostKeyFingerprint },
  });
  await waitFor('hop-a login', () => aLog().includes('Accepted publickey'));
  await waitFor('hop-b contacted', () => bLog().includes('Connection from'));
  await sleep(200);
  expect(bLog()).not.toMatch(authLines); // it saw a key exchange, never a credential
  expect(targetLog()).not.toContain('Connection from');

  await services.api.sshTrustHostKey({ profileId: profile.id, fingerprint: hopB.hostKeyFingerprint });
  const trusted = await services.api.instanceStatus({ profileId: profile.id });
  expect(trusted.connection).toMatchObject({ state: 'connected', error: null });
});

test('a ProxyJump loop in ~/.ssh/config is refused in one line, before anything is contacted', async () => {
  await know(hopA, hopB, target);
  await writeConfig(
    hostBlock('hop-a', hopA, ['ProxyJump hop-b']),
    hostBlock('hop-b', hopB, ['ProxyJump hop-a']),
  );
  const aLog = logFrom(hopA);
  const { status } = await connectVia('hop-a');
  expect(status.connection.state).toBe('failed');
  expect(status.connection.error).toBe('ProxyJump loops: hop-a -> hop-b -> hop-a; fix ~/.ssh/config');
  expect(aLog()).not.toContain('Connection from');
});

async function startAgent(): Promise<string> {
  const socket = path.join(data.path, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', socket], { env: childEnv(), stdio: 'ignore' });
  await waitFor('the agent socket', () => {
    void fs.access(socket).then(
      () => (ready = true),
      () => undefined,
    );
    return ready;
  });
  return socket;
}
let ready = false;

async function addKey(socket: string, keyFile: string): Promise<void> {
  await execFileAsync('ssh-add', ['-q', keyFile], { env: { ...childEnv(), SSH_AUTH_SOCK: socket } });
}

test('IdentityAgent: a hop authenticates with a key only the agent offers; IdentitiesOnly keeps its other keys back', async () => {
  ready = false;
  await know(hopA, target);
  const socket = await startAgent();
  const decoy = path.join(data.path, 'decoy_ed25519');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'decoy', '-f', decoy], {
    env: childEnv(),
  });
  await addKey(socket, decoy); // offered first
  await addKey(socket, hopA.clientKeyPath);
  const [decoyKey, hopKey] = await Promise.all([
    fingerprintOf(`${decoy}.pub`),
    fingerprintOf(`${hopA.clientKeyPath}.pub`),
  ]);

  // No IdentityFile: without the agent the hop would get the target's key, which it refuses.
  await writeConfig(hostBlock('hop-a', hopA, [`IdentityAgent ${socket}`]));
  let aLog = logFrom(hopA);
  const plain = await connectVia('hop-a');
  expect(plain.status.connection).toMatchObject({ state: 'connected', error: null });
  await waitFor('the agent login', () => aLog().includes(`Accepted publickey`));
  expect(aLog()).toContain(hopKey);
  expect(aLog()).toContain(decoyKey); // every agent key is tried in turn

  await services.closeAll();
  services = createInstanceServices({ dataDir: data.path, sshDir });
  const onlyPub = path.join(sshDir, 'hop_a.pub'); // the public half: the private key stays in the agent
  await fs.copyFile(`${hopA.clientKeyPath}.pub`, onlyPub);
  await writeConfig(
    hostBlock('hop-a', hopA, [`IdentityAgent ${socket}`, `IdentityFile ${onlyPub}`, 'IdentitiesOnly yes']),
  );
  aLog = logFrom(hopA);
  const only = await services.api.instanceStatus({ profileId: plain.profile.id });
  expect(only.connection).toMatchObject({ state: 'connected', error: null });
  await waitFor('the agent login', () => aLog().includes(`Accepted publickey`));
  expect(aLog()).toContain(hopKey);
  expect(aLog()).not.toContain(decoyKey);
});
