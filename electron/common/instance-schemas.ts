/**
 * The shapes of the Instances area on both sides of DeskApi: connection profiles, SSH config
 * suggestions, host-key problems, connection and service states, instance status, remote files.
 * One zod schema per fact gives the type and the runtime check (desk-api.ts uses them).
 */
import * as z from 'zod';

/** local, private or real: only a real instance reports to Gerrit; stop/restart ask first. */
export const instanceKindSchema = z.enum(['local', 'private', 'real']);
export type InstanceKind = z.infer<typeof instanceKindSchema>;

/** How the service is controlled: systemd user service, `coin service`, or detect. */
export const serviceManagerChoiceSchema = z.enum(['auto', 'systemd', 'coin-service']);

const portSchema = z.number().int().min(1).max(65535);
const nonEmpty = z.string().trim().min(1);

/** How the app authenticates: a private key file, or the running SSH agent (SSH_AUTH_SOCK). */
export const sshAuthSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('key'), keyFile: nonEmpty }).strict(),
  z.object({ method: z.literal('agent') }).strict(),
]);
export type SshAuth = z.infer<typeof sshAuthSchema>;

/**
 * A jump host (ProxyJump) the SSH connection goes through, with its own credentials. `host` is a
 * name or a `Host` alias of ~/.ssh/config. What is null comes from ~/.ssh/config for that alias
 * (Port, User, IdentityFile), else: port 22, this computer's user name, the target's credentials.
 * Profiles saved before these fields existed load with them null.
 */
export const jumpHostSchema = z
  .object({
    host: nonEmpty,
    port: portSchema.nullable().default(null),
    user: nonEmpty.nullable().default(null),
    auth: sshAuthSchema.nullable().default(null),
  })
  .strict();
export type JumpHost = z.infer<typeof jumpHostSchema>;

const profileCommon = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  name: nonEmpty.max(100),
  /** Working directory of the instance (holds coin.db, coin_configuration.json, service/). */
  workingDir: nonEmpty,
  instanceKind: instanceKindSchema,
  serviceManager: serviceManagerChoiceSchema,
  /** The instance's web server port on its host (`coin run --port`); 0: any free port (coin service only). */
  instancePort: z.number().int().min(0).max(65535),
  /** Where this instance's bugs are filed (bug report drafts link to it); saving without it keeps the saved one, null clears it. */
  trackerUrl: z
    .string()
    .trim()
    .regex(/^https?:\/\/\S+$/i, 'the tracker URL must start with http:// or https://')
    .nullable()
    .optional(),
  /** The text announcing a restart (renderer/src/areas/maintenance/update-announcement.ts placeholders); saving without it keeps the saved one, null clears it. */
  announcementTemplate: z.string().max(4000).nullable().optional(),
};

/** A Coin instance on this machine. `coinDir` empty: the runner bundled with the app. */
export const localProfileSchema = z
  .object({ ...profileCommon, kind: z.literal('local'), coinDir: z.string() })
  .strict();

/** A Coin master reached over SSH. `coinDir` is the Coin checkout on that host. */
export const sshProfileSchema = z
  .object({
    ...profileCommon,
    kind: z.literal('ssh'),
    host: nonEmpty,
    port: portSchema,
    user: nonEmpty,
    auth: sshAuthSchema,
    jump: jumpHostSchema.nullable(),
    coinDir: nonEmpty,
  })
  .strict();

/** A saved connection: where an instance is and how to reach it. */
export const connectionProfileSchema = z.discriminatedUnion('kind', [localProfileSchema, sshProfileSchema]);
export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;
export type SshProfile = z.infer<typeof sshProfileSchema>;
export type LocalProfile = z.infer<typeof localProfileSchema>;

/** A profile as the UI submits it: without an id it is new (the store derives one from the name). */
export const profileInputSchema = z.discriminatedUnion('kind', [
  localProfileSchema.extend({ id: profileCommon.id.optional() }),
  sshProfileSchema.extend({ id: profileCommon.id.optional() }),
]);
/** Fields with defaults (the jump host's port, user, auth) may be left out. */
export type ProfileInput = z.input<typeof profileInputSchema>;

/** A `Host` alias of ~/.ssh/config with the settings that apply to it, offered when adding a profile. */
export const sshConfigHostSchema = z.object({
  alias: z.string(),
  hostName: z.string(),
  port: z.number().int().nullable(),
  user: z.string().nullable(),
  identityFile: z.string().nullable(),
  proxyJump: z.string().nullable(),
  /** file:line of the Host line. */
  source: z.string(),
});
export type SshConfigHost = z.infer<typeof sshConfigHostSchema>;

/** Why the connection stopped at the host key, before any credential was sent. */
export const hostKeyProblemSchema = z.discriminatedUnion('kind', [
  /** Nobody knows this host's key yet: show the fingerprint and ask once. */
  z.object({
    kind: z.literal('unknown'),
    host: z.string(),
    port: z.number(),
    keyType: z.string(),
    fingerprint: z.string(),
  }),
  /** The host presents a different key than the one on record: a hard stop. */
  z.object({
    kind: z.literal('changed'),
    host: z.string(),
    port: z.number(),
    keyType: z.string(),
    fingerprint: z.string(),
    knownFingerprints: z.array(z.string()),
    /** file:line of the entries that hold the known keys. */
    knownAt: z.array(z.string()),
  }),
  /** The key is marked @revoked. */
  z.object({
    kind: z.literal('revoked'),
    host: z.string(),
    port: z.number(),
    keyType: z.string(),
    fingerprint: z.string(),
    knownAt: z.array(z.string()),
  }),
]);
export type HostKeyProblem = z.infer<typeof hostKeyProblemSchema>;

/** The state of a profile's connection, as the UI shows it. */
export const connectionStateSchema = z.object({
  state: z.enum(['idle', 'connecting', 'connected', 'reconnecting', 'failed', 'closed']),
  /** Reconnect attempts since the connection dropped. */
  attempt: z.number().int(),
  /** When the next attempt starts (ms since epoch), while reconnecting. */
  nextAttemptAt: z.number().nullable(),
  /** What went wrong last, for people. */
  error: z.string().nullable(),
  hostKey: hostKeyProblemSchema.nullable(),
  /** The profile's key file is protected by a passphrase that is missing or wrong (ssh:unlock-key). */
  keyPassphrase: z.object({ keyFile: z.string(), problem: z.enum(['needed', 'wrong']) }).nullish(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;

/** A service's state in systemd's words; `coin service` maps onto them. */
export const serviceActiveStateSchema = z.enum([
  'active',
  'reloading',
  'inactive',
  'failed',
  'activating',
  'deactivating',
  'unknown',
]);
export type ServiceActiveState = z.infer<typeof serviceActiveStateSchema>;

/** The Coin service on a host, read back from its service manager. */
export const serviceStatusSchema = z.object({
  manager: z.enum(['systemd', 'coin-service']),
  state: serviceActiveStateSchema,
  /** systemd's SubState (running, dead, exited, auto-restart, ...) or the `coin service` state. */
  subState: z.string(),
  /** When it entered the state (ISO 8601), when known. */
  since: z.string().nullable(),
  pid: z.number().int().nullable(),
  /** The instance's web server port when the manager knows it (`coin service` does, systemd not). */
  port: z.number().int().nullable(),
  /** One line for people (result, exit status, where the log is). */
  detail: z.string(),
});
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

/** The version of a file as read: changes whenever its content does. */
export const fileVersionSchema = z.object({
  mtimeMs: z.number(),
  size: z.number().int(),
  sha256: z.string(),
});
export type FileVersion = z.infer<typeof fileVersionSchema>;

/** A configuration file as read from an instance; version null when the file does not exist. */
export const configFileSchema = z.object({
  path: z.string(),
  content: z.string(),
  version: fileVersionSchema.nullable(),
});
export type ConfigFile = z.infer<typeof configFileSchema>;

/** A save: done, or refused because the file changed since it was loaded (both versions for a merge). */
export const configWriteResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), version: fileVersionSchema }),
  z.object({ ok: z.literal(false), current: configFileSchema, message: z.string() }),
]);
export type ConfigWriteResult = z.infer<typeof configWriteResultSchema>;

/**
 * Who started the instance that holds a working directory: this app's local runner, the profile's
 * service manager (`coin service` or systemd), or something else (`coin run` in a terminal).
 */
export const instanceOwnerSchema = z.enum(['app-runner', 'service', 'other']);
export type InstanceOwner = z.infer<typeof instanceOwnerSchema>;

/**
 * The Coin instance of a working directory, from the one fact every view shares: its lock file
 * (DIR/coin.lock names the process and its port), checked against the process and its own API.
 * `none`: nothing holds the directory (no lock, or the lock of an ended process); `starting`: a
 * live process holds it and does not listen yet; `running`: it listens and its API answers;
 * `silent`: a live process holds it and names a port, but its API does not answer.
 */
export const directoryInstanceSchema = z.object({
  workingDir: z.string(),
  state: z.enum(['none', 'starting', 'running', 'silent']),
  pid: z.number().int().nullable(),
  port: z.number().int().nullable(),
  /** When its process took the lock (ISO 8601). */
  startedAt: z.string().nullable(),
  /** Null when nothing holds the directory. */
  owner: instanceOwnerSchema.nullable(),
  /** One line for people: what runs there, who started it, how it answers. */
  detail: z.string(),
});
export type DirectoryInstance = z.infer<typeof directoryInstanceSchema>;

/** Everything the Instances area shows about one instance at a glance. */
export const instanceStatusSchema = z.object({
  profileId: z.string(),
  connection: connectionStateSchema,
  /** What holds the working directory (null until connected); agrees with every other view. */
  instance: directoryInstanceSchema.nullable(),
  service: serviceStatusSchema.nullable(),
  /** `coin --version` of the deployment. */
  version: z.string().nullable(),
  disk: z.object({ freeBytes: z.number(), totalBytes: z.number() }).nullable(),
  /** Agents by state and the latest tasks, from the instance's own API while it runs. */
  activity: z
    .object({
      agents: z.record(z.string(), z.number()),
      tasks: z.array(
        z.object({
          id: z.string(),
          project: z.string(),
          branch: z.string(),
          state: z.string(),
          created: z.string(),
        }),
      ),
    })
    .nullable(),
  /** What could not be read (the rest is still shown). */
  problems: z.array(z.string()),
  checkedAt: z.string(),
});
export type InstanceStatus = z.infer<typeof instanceStatusSchema>;
