/** The add/edit form's fields as text, and the profile they describe. */
import type {
  ConnectionProfile,
  ProfileInput,
  SshConfigHost,
} from '../../../../electron/common/instance-schemas';

/** What the form edits. */
export interface ProfileDraft {
  id?: string;
  name: string;
  kind: 'local' | 'ssh';
  host: string;
  port: string;
  user: string;
  authMethod: 'key' | 'agent';
  keyFile: string;
  /** `[user@]host[:port]` or a ~/.ssh/config alias, empty for none. */
  jump: string;
  /** The jump host's credentials: `config` is ~/.ssh/config's IdentityFile for it, else the target's. */
  jumpAuthMethod: 'config' | 'key' | 'agent';
  jumpKeyFile: string;
  coinDir: string;
  workingDir: string;
  instanceKind: 'local' | 'private' | 'real';
  serviceManager: 'auto' | 'systemd' | 'coin-service';
  instancePort: string;
}

/** A new profile's form. */
export const emptyDraft: ProfileDraft = {
  name: '',
  kind: 'ssh',
  host: '',
  port: '22',
  user: '',
  authMethod: 'key',
  keyFile: '~/.ssh/id_ed25519',
  jump: '',
  jumpAuthMethod: 'config',
  jumpKeyFile: '',
  coinDir: '',
  workingDir: '',
  instanceKind: 'private',
  serviceManager: 'auto',
  instancePort: '8080',
};

/** The form of a saved profile. */
export function draftOf(profile: ConnectionProfile): ProfileDraft {
  const common = {
    ...emptyDraft,
    id: profile.id,
    name: profile.name,
    kind: profile.kind,
    coinDir: profile.coinDir,
    workingDir: profile.workingDir,
    instanceKind: profile.instanceKind,
    serviceManager: profile.serviceManager,
    instancePort: String(profile.instancePort),
  };
  if (profile.kind === 'local') return common;
  const { jump } = profile;
  return {
    ...common,
    host: profile.host,
    port: String(profile.port),
    user: profile.user,
    authMethod: profile.auth.method,
    keyFile: profile.auth.method === 'key' ? profile.auth.keyFile : emptyDraft.keyFile,
    jump: jump ? `${jump.user ? `${jump.user}@` : ''}${jump.host}${jump.port ? `:${jump.port}` : ''}` : '',
    jumpAuthMethod: jump?.auth?.method ?? 'config',
    jumpKeyFile: jump?.auth?.method === 'key' ? jump.auth.keyFile : '',
  };
}

/** The form filled from a ~/.ssh/config suggestion (what the suggestion does not say stays). */
export function applySuggestion(draft: ProfileDraft, host: SshConfigHost): ProfileDraft {
  return {
    ...draft,
    name: draft.name || host.alias,
    kind: 'ssh',
    host: host.hostName,
    port: String(host.port ?? 22),
    user: host.user ?? draft.user,
    authMethod: host.identityFile ? 'key' : draft.authMethod,
    keyFile: host.identityFile ?? draft.keyFile,
    jump: host.proxyJump?.split(',')[0]?.replace(/^ssh:\/\//, '') ?? '', // the first hop only
  };
}

type JumpInput = Extract<ProfileInput, { kind: 'ssh' }>['jump'];

// `[user@]host[:port]`: what is left out (user, port) comes from ~/.ssh/config when connecting.
function parseJump(draft: ProfileDraft): JumpInput {
  const trimmed = draft.jump.trim();
  if (!trimmed) return null;
  const match = /^(?:([^@\s]+)@)?([^:@\s]+)(?::(\d+))?$/.exec(trimmed);
  if (!match?.[2]) throw new Error(`jump host '${trimmed}' is not [user@]host[:port]`);
  const keyFile = draft.jumpKeyFile.trim();
  if (draft.jumpAuthMethod === 'key' && !keyFile) throw new Error('enter the jump host key file');
  const auth =
    draft.jumpAuthMethod === 'key'
      ? { method: 'key' as const, keyFile }
      : draft.jumpAuthMethod === 'agent'
        ? { method: 'agent' as const }
        : null;
  return { user: match[1] ?? null, host: match[2], port: match[3] ? Number(match[3]) : null, auth };
}

/** The profile the form describes; throws with a message for people when a field is wrong. */
export function profileFromDraft(draft: ProfileDraft): ProfileInput {
  const common = {
    ...(draft.id ? { id: draft.id } : {}),
    name: draft.name.trim(),
    workingDir: draft.workingDir.trim(),
    instanceKind: draft.instanceKind,
    serviceManager: draft.serviceManager,
    instancePort: Number(draft.instancePort),
  };
  if (!Number.isInteger(common.instancePort)) throw new Error('the instance port must be a number');
  if (draft.kind === 'local') return { ...common, kind: 'local', coinDir: draft.coinDir.trim() };
  const port = Number(draft.port);
  if (!Number.isInteger(port)) throw new Error('the SSH port must be a number');
  return {
    ...common,
    kind: 'ssh',
    host: draft.host.trim(),
    port,
    user: draft.user.trim(),
    auth:
      draft.authMethod === 'agent' ? { method: 'agent' } : { method: 'key', keyFile: draft.keyFile.trim() },
    jump: parseJump(draft),
    coinDir: draft.coinDir.trim(),
  };
}
