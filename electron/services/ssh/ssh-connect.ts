/**
 * The one place that opens an SSH connection. It cannot be called without a HostKeyVerifier, and
 * the verifier decides during the key exchange, before any credential is sent: an unknown, changed
 * or revoked key ends the attempt with a HostKeyRejectedError that carries what was presented.
 */
import {
  Client,
  type AnyAuthMethod,
  type BaseAgent,
  type AuthHandlerMiddleware,
  type ClientChannel,
  type ConnectConfig,
  type ParsedKey,
} from 'ssh2';
import type { Duplex } from 'node:stream';
import type { HostKeyProblem } from '../../common/instance-schemas';
import type { HostKeyVerifier, HostKeyVerdict } from './host-key-verifier';
import { knownHostsName } from '../../../runner/node/ssh/known-hosts';

/** Where to connect, as whom. */
export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
}

/** What the client may authenticate with (used only after the host key is accepted). */
export interface SshCredentials {
  /** A private key in OpenSSH or PEM format, or one already parsed (an unlocked key). */
  privateKey?: string | Buffer | ParsedKey;
  passphrase?: string;
  /** An SSH agent: its socket's path, or one limited to some keys (IdentitiesOnly). */
  agent?: string | BaseAgent;
}

/** One server on the way: where it is and what to authenticate to it with. */
export interface SshHop {
  endpoint: SshEndpoint;
  credentials: SshCredentials;
}

/** The servers of one connection: the target, reached directly or through jump hosts. */
export interface SshRoute {
  target: SshHop;
  /** The jump hosts (ProxyJump), the first one contacted first, each with its own credentials. */
  jumps: SshHop[];
}

/** Tuning and test hooks of one connection attempt. */
export interface ConnectOptions {
  /** An already open stream to the server (the channel through a jump host). */
  sock?: Duplex;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Called when authentication starts (tests assert it never does for a rejected key). */
  onAuthenticate?: () => void;
}

/** The server's host key was not accepted; no credential was sent. */
export class HostKeyRejectedError extends Error {
  constructor(readonly problem: HostKeyProblem) {
    super(hostKeyMessage(problem));
    this.name = 'HostKeyRejectedError';
  }
}

/** The server refused every credential offered. */
export class SshAuthError extends Error {
  constructor(endpoint: SshEndpoint, detail: string) {
    super(
      `${endpoint.username}@${knownHostsName(endpoint.host, endpoint.port)} refused the credentials: ${detail}`,
    );
    this.name = 'SshAuthError';
  }
}

/** A message for people about a rejected host key. */
export function hostKeyMessage(problem: HostKeyProblem): string {
  const where = knownHostsName(problem.host, problem.port);
  switch (problem.kind) {
    case 'unknown':
      return `the ${problem.keyType} host key of ${where} is not known yet (${problem.fingerprint}): confirm it to connect`;
    case 'changed':
      return (
        `the ${problem.keyType} host key of ${where} has CHANGED: it presents ${problem.fingerprint}, ` +
        `known is ${problem.knownFingerprints.join(', ')} (${problem.knownAt.join(', ')}). ` +
        'This can be an attack; the connection is refused. If the key was replaced on purpose, remove the old entry first.'
      );
    case 'revoked':
      return `the host key of ${where} (${problem.fingerprint}) is revoked (${problem.knownAt.join(', ')}): refused`;
  }
}

/** Open an authenticated connection to `endpoint`, verifying its host key first. */
export function connectSsh(
  endpoint: SshEndpoint,
  verifier: HostKeyVerifier,
  credentials: SshCredentials,
  options: ConnectOptions = {},
): Promise<Client> {
  const client = new Client();
  let verdict: HostKeyVerdict | undefined;
  const config: ConnectConfig = {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    sock: options.sock as ConnectConfig['sock'],
    readyTimeout: options.readyTimeoutMs ?? 20_000,
    keepaliveInterval: options.keepaliveIntervalMs ?? 5_000,
    keepaliveCountMax: 3,
    algorithms: { serverHostKey: verifier.algorithmsFor(endpoint.host, endpoint.port) as never },
    hostVerifier: (key: Buffer) => {
      verdict = verifier.verify(endpoint.host, endpoint.port, key);
      return verdict.kind === 'trusted';
    },
    authHandler: authMethods(endpoint, credentials, options.onAuthenticate),
  };
  return new Promise((resolve, reject) => {
    const onError = (error: Error & { level?: string }) => {
      client.removeListener('ready', onReady);
      client.end();
      if (verdict && verdict.kind !== 'trusted') reject(new HostKeyRejectedError(verdict));
      else if (error.level === 'client-authentication') reject(new SshAuthError(endpoint, error.message));
      else
        reject(
          new Error(`cannot connect to ${knownHostsName(endpoint.host, endpoint.port)}: ${error.message}`),
        );
    };
    const onReady = () => {
      client.removeListener('error', onError);
      resolve(client);
    };
    client.once('error', onError);
    client.once('ready', onReady);
    client.connect(config);
  });
}

function authMethods(
  endpoint: SshEndpoint,
  credentials: SshCredentials,
  onAuthenticate?: () => void,
): AuthHandlerMiddleware {
  const methods: AnyAuthMethod[] = [];
  if (credentials.agent)
    methods.push({ type: 'agent', username: endpoint.username, agent: credentials.agent });
  if (credentials.privateKey)
    methods.push({
      type: 'publickey',
      username: endpoint.username,
      key: credentials.privateKey,
      passphrase: credentials.passphrase,
    });
  let started = false;
  return (_left, _partial, next) => {
    if (!started) onAuthenticate?.();
    started = true;
    // ssh2 takes `false` for "nothing left to try"; its types do not say so.
    next(methods.shift() ?? (false as never));
  };
}

/**
 * Connect to `target` through `jumps` in order (ProxyJump a,b,...), each with its own credentials.
 * Every host key is verified by the same verifier during its key exchange: a hop's before any
 * credential is sent to it, and before the next hop is contacted at all (through it). A hop that
 * closes ends the ones behind it.
 */
export async function connectSshChain(
  jumps: readonly SshHop[],
  target: SshHop,
  verifier: HostKeyVerifier,
  options: ConnectOptions = {},
): Promise<{ client: Client; jumpClients: Client[] }> {
  const jumpClients: Client[] = [];
  try {
    const hops = [...jumps, target];
    for (const [index, hop] of hops.entries()) {
      const previous = jumpClients.at(-1);
      const sock = previous ? await forwardOut(previous, hop.endpoint.host, hop.endpoint.port) : options.sock;
      const client = await connectSsh(hop.endpoint, verifier, hop.credentials, { ...options, sock });
      if (previous) {
        client.once('close', () => previous.end());
        previous.once('close', () => client.end());
      }
      if (index === hops.length - 1) return { client, jumpClients };
      client.on('error', () => undefined); // its end shows as 'close', which ends the hops behind it
      jumpClients.push(client);
    }
    throw new Error('unreachable: the target is the last hop');
  } catch (error) {
    for (const client of jumpClients) client.end();
    throw error;
  }
}

/** Connect to `target` through one jump host (ProxyJump). */
export async function connectSshViaJump(
  jump: SshHop,
  target: SshHop,
  verifier: HostKeyVerifier,
  options: ConnectOptions = {},
): Promise<{ client: Client; jumpClient: Client }> {
  const { client, jumpClients } = await connectSshChain([jump], target, verifier, options);
  return { client, jumpClient: jumpClients[0]! };
}

/** A channel from the server to host:port (a direct-tcpip forward). */
export function forwardOut(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (error, channel) =>
      error ? reject(error) : resolve(channel),
    );
  });
}
