/**
 * The Instances area's part of DeskApi: connection profiles, SSH host keys, service control, the
 * live journal, the runtime configuration file and the dashboard tunnel of an instance.
 * deskContract (desk-api.ts) includes these methods; the channels are in desk-channels.ts.
 */
import * as z from 'zod';
import { deskChannels } from './desk-channels';
import {
  configFileSchema,
  configWriteResultSchema,
  connectionProfileSchema,
  connectionStateSchema,
  fileVersionSchema,
  instanceStatusSchema,
  profileInputSchema,
  serviceStatusSchema,
  sshConfigHostSchema,
} from './instance-schemas';
import { journalEntrySchema } from './journal-entry';

const profileRef = z.object({ profileId: z.string().min(1) }).strict();
/** Stop and restart of a 'real' instance need `confirmed: true` (the UI asks first). */
const serviceAction = profileRef.extend({ confirmed: z.boolean().optional() }).strict();

/** The follower behind journal:read, as the viewer shows it. */
export const journalFollowerSchema = z.object({
  state: z.enum(['starting', 'following', 'reconnecting', 'failed', 'stopped']),
  error: z.string().nullable(),
  resumed: z.number().int(),
});

export const journalPageSchema = z.object({
  entries: z.array(journalEntrySchema),
  /** Pass as `after` next time. */
  next: z.number().int(),
  /** Entries after `after` were dropped from the buffer before they were read. */
  truncated: z.boolean(),
  source: z.string(),
  follower: journalFollowerSchema,
});
export type JournalPage = z.infer<typeof journalPageSchema>;

export const instancesContract = {
  profilesList: {
    channel: deskChannels.profilesList,
    input: z.object({}).strict(),
    output: z.object({ profiles: z.array(connectionProfileSchema) }),
    doc: 'The saved connection profiles, by name.',
  },
  profilesSave: {
    channel: deskChannels.profilesSave,
    input: z.object({ profile: profileInputSchema }).strict(),
    output: connectionProfileSchema,
    doc: 'Add a profile (without id) or replace one; its open connection is closed.',
  },
  profilesDelete: {
    channel: deskChannels.profilesDelete,
    input: z.object({ id: z.string().min(1) }).strict(),
    output: z.object({ deleted: z.boolean() }),
    doc: 'Remove a profile and close its connection.',
  },
  sshHostsFromConfig: {
    channel: deskChannels.sshHostsFromConfig,
    input: z.object({}).strict(),
    output: z.object({
      file: z.string(),
      hosts: z.array(sshConfigHostSchema),
      problems: z.array(z.string()),
    }),
    doc: 'Host aliases of ~/.ssh/config, offered as suggestions for a new profile.',
  },
  sshTrustHostKey: {
    channel: deskChannels.sshTrustHostKey,
    input: profileRef.extend({ fingerprint: z.string().startsWith('SHA256:') }).strict(),
    output: z.object({ trusted: z.literal(true) }),
    doc: "Trust the unknown host key the profile's server just presented (only that one, never a changed key).",
  },
  sshUnlockKey: {
    channel: deskChannels.sshUnlockKey,
    input: profileRef.extend({ passphrase: z.string().min(1) }).strict(),
    output: z.object({ connection: connectionStateSchema }),
    doc: "Give the passphrase of the key file the connection asked for (else the profile's); the decrypted key is kept in memory for the profile while the app runs, never saved. Then connect; a wrong one fails.",
  },
  instanceStatus: {
    channel: deskChannels.instanceStatus,
    input: profileRef,
    output: instanceStatusSchema,
    doc: 'Connection, service state, version, disk and activity of an instance, at a glance.',
  },
  instanceDashboard: {
    channel: deskChannels.instanceDashboard,
    input: profileRef,
    output: z.object({ url: z.string(), localPort: z.number().int() }),
    doc: "The URL of the instance's dashboard: direct for a local one, through an SSH tunnel for a remote one.",
  },
  instanceDisconnect: {
    channel: deskChannels.instanceDisconnect,
    input: profileRef,
    output: z.object({}),
    doc: "Close the profile's connection, journal and tunnels.",
  },
  serviceStatus: {
    channel: deskChannels.serviceStatus,
    input: profileRef,
    output: serviceStatusSchema,
    doc: 'The Coin service state as its service manager reports it.',
  },
  serviceStart: {
    channel: deskChannels.serviceStart,
    input: serviceAction,
    output: serviceStatusSchema,
    doc: 'Start the Coin service; the state read back afterwards.',
  },
  serviceStop: {
    channel: deskChannels.serviceStop,
    input: serviceAction,
    output: serviceStatusSchema,
    doc: "Stop the Coin service (a 'real' instance needs confirmed: true); the state read back.",
  },
  serviceRestart: {
    channel: deskChannels.serviceRestart,
    input: serviceAction,
    output: serviceStatusSchema,
    doc: "Restart the Coin service (a 'real' instance needs confirmed: true); the state read back.",
  },
  journalRead: {
    channel: deskChannels.journalRead,
    input: profileRef
      .extend({
        after: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(2000),
      })
      .strict(),
    output: journalPageSchema,
    doc: 'Journal entries after a sequence number; the first call starts following the live journal.',
  },
  journalStop: {
    channel: deskChannels.journalStop,
    input: profileRef,
    output: z.object({}),
    doc: 'Stop following the journal of a profile.',
  },
  configRead: {
    channel: deskChannels.configRead,
    input: profileRef,
    output: configFileSchema,
    doc: "The instance's coin_configuration.json with its version (over SFTP for a remote instance).",
  },
  configWrite: {
    channel: deskChannels.configWrite,
    input: profileRef.extend({ content: z.string(), baseVersion: fileVersionSchema.nullable() }).strict(),
    output: configWriteResultSchema,
    doc: 'Save coin_configuration.json atomically, refused with both versions when it changed since it was loaded.',
  },
} as const;

/** The DeskApi methods of the Instances area. */
export type InstancesMethod = keyof typeof instancesContract;
