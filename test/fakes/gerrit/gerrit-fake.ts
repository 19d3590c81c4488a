/**
 * A Gerrit with Qt's staging workflow for tests, speaking the real protocols as
 * ../shared/reference/protocol-facts.md gives them (test/integration/gerrit/gerrit-fake-contract.test.ts
 * states each fact):
 * - SSH (ssh2's server, a host key generated per start, public-key authentication against the
 *   given accounts' keys, 127.0.0.1 on a free port): the plugin's commands, `gerrit query`,
 *   `gerrit review` (fake-ssh-commands.ts) and `gerrit stream-events` (one JSON object per line,
 *   `-s <type>` to subscribe; refused without the Stream Events capability);
 * - REST on a loopback HTTP port (fake-rest.ts): the plugin's revision-level and change-level actions;
 * - git: real bare repositories, fetched by path (`gitUrlPrefix` + `<project>`).
 * The model is fake-model.ts and fake-state.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ssh2, { type Connection, type ParsedKey, type ServerChannel } from 'ssh2';
import { splitCommandLine } from '../../../runner/core/gerrit/gerrit-protocol';
import { startFakeRest } from './fake-rest';
import { runFakeCommand } from './fake-ssh-commands';
import { FakeGerritState, hasCapability, type FakeAccount, type FakeChange } from './fake-state';

export type { FakeAccount, FakeCapability, FakeChange } from './fake-state';

/** An account that may log in: over SSH with its public key, over REST with its HTTP password. */
export interface FakeUser extends FakeAccount {
  /** OpenSSH public key line (`ssh-ed25519 AAAA...`). */
  publicKey?: string;
  httpPassword?: string;
}

export interface GerritFakeOptions {
  /** Directory for the repositories (the caller removes it). */
  root: string;
  users: readonly FakeUser[];
}

export interface GerritFake {
  readonly sshPort: number;
  readonly httpUrl: string;
  /** `ssh://<user>@127.0.0.1:<port>`. */
  sshUrl(user: string): string;
  /** The host key as a known_hosts line for `[127.0.0.1]:<port>`. */
  readonly knownHostsLine: string;
  /** `SHA256:...` of the host key. */
  readonly hostKeyFingerprint: string;
  /** Prefix of git URLs: `<prefix><project>` is a project's bare repository (a path). */
  readonly gitUrlPrefix: string;
  readonly state: FakeGerritState;
  /** Every SSH command line received, in order. */
  readonly commands: string[];
  createProject(project: string, branch: string, files: Record<string, string>): Promise<string>;
  createChange(input: {
    project: string;
    branch: string;
    subject: string;
    files: Record<string, string>;
    owner?: FakeAccount;
  }): Promise<FakeChange>;
  /** Stage as a user would (REST or SSH give the same result). */
  stage(change: FakeChange, by?: FakeAccount): Promise<void>;
  change(number: number): FakeChange;
  /** Close every SSH connection (a Gerrit restart, as stream-events clients see it). */
  dropConnections(): void;
  /** While false, SSH connections are closed as they arrive (Gerrit is down). */
  setAvailable(available: boolean): void;
  /** The next plugin command `name` (`staging-approve`, ...) fails with `message` (exit 1). */
  failNext(name: string, message: string): void;
  stop(): Promise<void>;
}

const { Server, utils } = ssh2;

function sameKey(a: ParsedKey, b: ParsedKey): boolean {
  const x = a.getPublicSSH();
  const y = b.getPublicSSH();
  return a.type === b.type && x.length === y.length && timingSafeEqual(x, y);
}

function parsePublicKey(line: string): ParsedKey {
  const parsed = utils.parseKey(line);
  if (parsed instanceof Error) throw parsed;
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

/** A new ed25519 host key (generated again in the rare case ssh2 cannot read back its own key). */
function generateHostKey(): { hostKey: { private: string; public: string }; hostPublic: ParsedKey } {
  for (let attempt = 0; ; attempt++) {
    const hostKey = utils.generateKeyPairSync('ed25519');
    try {
      return { hostKey, hostPublic: parsePublicKey(hostKey.public) };
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

function readAll(channel: ServerChannel): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => (text += chunk));
    channel.once('end', () => resolve(text.replace(/\n$/, '')));
  });
}

function refuse(channel: ServerChannel, message: string): void {
  channel.stderr.write(`${message.startsWith('fatal: ') ? message : `fatal: ${message}`}\n`);
  channel.exit(1);
  channel.end();
}

/** `gerrit stream-events [-s <type>]...`: every event (or the subscribed types) until the channel closes. */
function streamEvents(
  state: FakeGerritState,
  argv: string[],
  user: FakeAccount,
  channel: ServerChannel,
  streams: Set<ServerChannel>,
): void {
  if (!hasCapability(user, 'streamEvents'))
    return refuse(channel, `${user.username} does not have "Stream Events" capability.`);
  const types = new Set(argv.flatMap((a, i) => (a === '-s' || a === '--subscribe' ? [argv[i + 1]!] : [])));
  const send = (event: { type: string }) => {
    if (types.size === 0 || types.has(event.type) || event.type === 'dropped-output')
      channel.write(`${JSON.stringify(event)}\n`);
  };
  state.events.on('event', send);
  streams.add(channel);
  channel.once('close', () => {
    state.events.off('event', send);
    streams.delete(channel);
  });
}

/** Start the fake; stop() closes both servers and every connection. */
export async function startGerritFake(options: GerritFakeOptions): Promise<GerritFake> {
  const { hostKey, hostPublic } = generateHostKey();
  const users = options.users.map((u) => ({
    ...u,
    key: u.publicKey ? parsePublicKey(u.publicKey) : undefined,
  }));
  const commands: string[] = [];
  const connections = new Set<Connection>();
  const streams = new Set<ServerChannel>();
  const state = new FakeGerritState(options.root, 'http://gerrit.invalid/');
  const failures = new Map<string, string>();

  function exec(line: string, user: FakeAccount, channel: ServerChannel): void {
    commands.push(line);
    let argv: string[];
    try {
      argv = splitCommandLine(line);
    } catch (error) {
      return refuse(channel, (error as Error).message);
    }
    if (argv[0] === 'gerrit' && argv[1] === 'stream-events')
      return streamEvents(state, argv.slice(2), user, channel, streams);
    const failure = failures.get(argv[1] ?? '');
    if (failure !== undefined) {
      failures.delete(argv[1]!);
      return refuse(channel, failure);
    }
    runFakeCommand(state, argv, user, () => readAll(channel)).then(
      (out) => {
        channel.write(out);
        channel.exit(0);
        channel.end();
      },
      (error: unknown) => refuse(channel, error instanceof Error ? error.message : String(error)),
    );
  }

  let available = true;
  const sshServer = new Server({ hostKeys: [hostKey.private] }, (client) => {
    if (!available) {
      client.on('error', () => undefined);
      client.end();
      return;
    }
    connections.add(client);
    let user: FakeAccount | undefined;
    client.on('authentication', (ctx) => {
      const account = users.find((u) => u.username === ctx.username);
      if (ctx.method !== 'publickey' || !account?.key) return ctx.reject(['publickey']);
      const offered = utils.parseKey(ctx.key.data);
      if (offered instanceof Error || Array.isArray(offered) || !sameKey(offered, account.key))
        return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept(); // the client asks whether the key would do
      if (!ctx.blob || account.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true)
        return ctx.reject(['publickey']);
      user = account;
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (accept, _reject, info) => exec(info.command, user!, accept()));
      });
    });
    client.on('error', () => undefined);
    client.on('close', () => connections.delete(client));
  });
  await new Promise<void>((resolve) => sshServer.listen(0, '127.0.0.1', () => resolve()));
  const sshPort = (sshServer.address() as AddressInfo).port;
  const rest = await startFakeRest(state, options.users);

  const admin = users[0] ?? { name: 'Administrator', email: 'admin@example.invalid', username: 'admin' };
  const fingerprint = `SHA256:${createHash('sha256').update(hostPublic.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
  return {
    sshPort,
    httpUrl: rest.url,
    sshUrl: (user) => `ssh://${user}@127.0.0.1:${sshPort}`,
    knownHostsLine: `[127.0.0.1]:${sshPort} ${hostPublic.type} ${hostPublic.getPublicSSH().toString('base64')}`,
    hostKeyFingerprint: fingerprint,
    gitUrlPrefix: `${path.join(options.root, 'git')}/`,
    state,
    commands,
    createProject: (project, branch, files) => state.createProject(project, branch, files),
    createChange: (input) => state.createChange({ ...input, owner: input.owner ?? admin }),
    stage: async (change, by = admin) =>
      void (await state.stage([`${change.number},${change.patchSets.at(-1)!.number}`], by)),
    change: (number) => state.find(String(number)),
    failNext: (name, message) => void failures.set(name, message),
    setAvailable: (value) => {
      available = value;
    },
    dropConnections: () => {
      for (const c of connections) c.end();
    },
    stop: async () => {
      for (const s of streams) s.close();
      for (const c of connections) c.end();
      await Promise.all([new Promise<void>((resolve) => sshServer.close(() => resolve())), rest.stop()]);
      await state.serialized(async () => undefined);
    },
  };
}
