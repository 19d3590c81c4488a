/**
 * A Gerrit with Qt's staging workflow for tests, speaking the real protocols:
 * - SSH (ssh2's server, a host key generated per start, public-key authentication against the
 *   given accounts' keys, 127.0.0.1 on a free port): `gerrit-plugin-qt-workflow ping | staging-ls
 *   | staging-new-build | staging-approve | staging-rebuild | stage`, `gerrit stream-events` (one
 *   JSON object per line) and `gerrit query --format=JSON` (status/project/branch/change/limit);
 * - REST on a loopback HTTP port: the plugin actions `POST /a/changes/<id>/gerrit-plugin-qt-workflow~
 *   stage|unstage|defer|reopen|abandon` with HTTP basic auth and Gerrit's `)]}'` JSON prefix;
 * - git: real bare repositories, fetched by path (`gitUrlPrefix` + `<project>`).
 * The model is fake-state.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ssh2, { type Connection, type ParsedKey, type ServerChannel } from 'ssh2';
import { formatStagingLsLine, splitCommandLine } from '../../../runner/core/gerrit/gerrit-protocol';
import { FakeGerritState, GerritRefusal, type FakeAccount, type FakeChange } from './fake-state';

export type { FakeAccount, FakeChange } from './fake-state';

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

/** Options that take no value. */
const flags = new Set([
  'current-patch-set',
  'patch-sets',
  'all-approvals',
  'comments',
  'files',
  'all-reviewers',
]);

/** Options of a command: `--name value` / `--name=value` pairs, flags, and positionals. */
function parseOptions(args: readonly string[]): { opts: Map<string, string>; rest: string[] } {
  const opts = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) opts.set(arg.slice(2, eq), arg.slice(eq + 1));
      else if (!flags.has(arg.slice(2)) && i + 1 < args.length && !args[i + 1]!.startsWith('--'))
        opts.set(arg.slice(2), args[++i]!);
      else opts.set(arg.slice(2), '');
    } else rest.push(arg);
  }
  return { opts, rest };
}

function required(opts: Map<string, string>, name: string): string {
  const value = opts.get(name);
  if (value === undefined || value === '')
    throw new GerritRefusal(`fatal: option "--${name}" is required`, 400);
  return value;
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

  async function runCommand(argv: string[], user: FakeAccount, channel: ServerChannel): Promise<string> {
    const [group, command, ...args] = argv;
    const failure = failures.get(command ?? '');
    if (failure !== undefined) {
      failures.delete(command!);
      throw new GerritRefusal(failure);
    }
    const { opts, rest } = parseOptions(args);
    if (group === 'gerrit-plugin-qt-workflow') {
      switch (command) {
        case 'ping':
          return 'pong\n';
        case 'staging-ls': {
          const list = await state.stagingLs(
            required(opts, 'project'),
            required(opts, 'branch'),
            required(opts, 'destination'),
          );
          return list.map((c) => `${formatStagingLsLine(c)}\n`).join('');
        }
        case 'staging-new-build':
          await state.newBuild(
            required(opts, 'project'),
            required(opts, 'staging-branch'),
            required(opts, 'build-id'),
            user,
          );
          return '';
        case 'staging-approve': {
          const result = required(opts, 'result');
          if (result !== 'pass' && result !== 'fail')
            throw new GerritRefusal(`fatal: bad --result: ${result}`, 400);
          let message = opts.get('message') ?? '';
          if (message === '-') message = await readAll(channel);
          await state.approve(
            required(opts, 'project'),
            required(opts, 'branch'),
            required(opts, 'build-id'),
            result,
            message,
            user,
          );
          return '';
        }
        case 'staging-rebuild':
          await state.rebuild(required(opts, 'project'), required(opts, 'branch'), user);
          return '';
        case 'stage':
          if (rest.length === 0) throw new GerritRefusal('fatal: no changes to stage', 400);
          await state.stage(rest, user);
          return '';
        default:
          throw new GerritRefusal(`fatal: gerrit-plugin-qt-workflow: ${command}: not found`, 404);
      }
    }
    if (group === 'gerrit' && command === 'query') {
      if (opts.get('format')?.toUpperCase() !== 'JSON')
        throw new GerritRefusal('fatal: only --format=JSON is implemented', 400);
      const changes = state.query(rest);
      return [
        ...changes.map((c) => JSON.stringify(state.changeAttribute(c))),
        JSON.stringify({
          type: 'stats',
          rowCount: changes.length,
          runTimeMilliseconds: 1,
          moreChanges: false,
        }),
      ]
        .map((l) => `${l}\n`)
        .join('');
    }
    throw new GerritRefusal(`fatal: ${group ?? ''} ${command ?? ''}: not found`, 404);
  }

  function readAll(channel: ServerChannel): Promise<string> {
    return new Promise((resolve) => {
      let text = '';
      channel.setEncoding('utf8');
      channel.on('data', (chunk: string) => (text += chunk));
      channel.once('end', () => resolve(text.replace(/\n$/, '')));
    });
  }

  function exec(line: string, user: FakeAccount, channel: ServerChannel): void {
    commands.push(line);
    let argv: string[];
    try {
      argv = splitCommandLine(line);
    } catch (error) {
      channel.stderr.write(`fatal: ${(error as Error).message}\n`);
      channel.exit(1);
      channel.end();
      return;
    }
    if (argv[0] === 'gerrit' && argv[1] === 'stream-events') {
      const send = (event: unknown) => channel.write(`${JSON.stringify(event)}\n`);
      state.events.on('event', send);
      streams.add(channel);
      channel.once('close', () => {
        state.events.off('event', send);
        streams.delete(channel);
      });
      return;
    }
    runCommand(argv, user, channel).then(
      (out) => {
        channel.write(out);
        channel.exit(0);
        channel.end();
      },
      (error: unknown) => {
        channel.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        channel.exit(1);
        channel.end();
      },
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

  const httpServer = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      if (typeof body === 'string') {
        res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8' }).end(`${body}\n`);
      } else {
        res
          .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
          .end(`)]}'\n${JSON.stringify(body)}\n`);
      }
    };
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [name, password] = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8').split(':', 2) : [];
    const account = users.find((u) => u.username === name && u.httpPassword && u.httpPassword === password);
    const match = /^\/a\/changes\/([^/]+)\/gerrit-plugin-qt-workflow~(\w+)$/.exec(req.url ?? '');
    if (!req.url?.startsWith('/a/')) return reply(404, 'Not found');
    if (!account) return reply(401, 'Unauthorized');
    if (!match || req.method !== 'POST') return reply(404, 'Not found');
    req.resume();
    req.once('end', () => {
      state.action(decodeURIComponent(match[1]!), match[2]!, account).then(
        (c) => {
          const attr = state.changeAttribute(c);
          reply(200, {
            id: `${encodeURIComponent(c.project)}~${c.branch}~${c.changeId}`,
            project: c.project,
            branch: c.branch,
            change_id: c.changeId,
            subject: c.subject,
            status: c.status,
            _number: c.number,
            owner: { name: attr.owner.name, email: attr.owner.email, username: attr.owner.username },
            current_revision: attr.currentPatchSet.revision,
          });
        },
        (error: unknown) =>
          reply(
            error instanceof GerritRefusal ? error.httpStatus : 500,
            error instanceof Error ? error.message : String(error),
          ),
      );
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve()));
  const httpUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const admin = users[0] ?? { name: 'Administrator', email: 'admin@example.invalid', username: 'admin' };
  const fingerprint = `SHA256:${createHash('sha256').update(hostPublic.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
  return {
    sshPort,
    httpUrl,
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
      await Promise.all([
        new Promise<void>((resolve) => sshServer.close(() => resolve())),
        new Promise<void>((resolve) => {
          httpServer.closeAllConnections();
          httpServer.close(() => resolve());
        }),
      ]);
      await state.serialized(async () => undefined);
    },
  };
}
