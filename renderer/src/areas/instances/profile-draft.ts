/** The add/edit form's fields as text, and the profile they describe. */
import { fieldProblems, sentence } from '../../../../electron/common/field-problems';
import {
  profileInputSchema,
  type ConnectionProfile,
  type ProfileInput,
  type SshConfigHost,
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

/** The form's fields by their labels, for the problems shown next to them. */
export const draftLabels: Record<keyof ProfileDraft, string> = {
  id: 'Id',
  name: 'Name',
  kind: 'Kind',
  host: 'Host',
  port: 'Port',
  user: 'User',
  authMethod: 'Authentication',
  keyFile: 'Key file',
  jump: 'Jump host',
  jumpAuthMethod: 'Jump host credentials',
  jumpKeyFile: 'Jump host private key',
  coinDir: 'Coin directory',
  workingDir: 'Instance working directory',
  instanceKind: 'Instance kind',
  serviceManager: 'Service manager',
  instancePort: 'Instance port',
};

/** A field's problem, in plain words: "Instance port must be 65535 or less." */
export interface DraftProblem {
  field: keyof ProfileDraft;
  message: string;
}

/** The draft's field behind a path of the profile (`auth.keyFile` is the Key file field). */
export function fieldOfPath(path: readonly PropertyKey[]): keyof ProfileDraft {
  const [head, second, third] = path.map(String);
  if (head === 'auth') return second === 'keyFile' ? 'keyFile' : 'authMethod';
  if (head === 'jump')
    return second === 'auth' ? (third === 'keyFile' ? 'jumpKeyFile' : 'jumpAuthMethod') : 'jump';
  if (head === 'id') return 'name';
  return head && head in draftLabels ? (head as keyof ProfileDraft) : 'name';
}

class JumpProblem extends Error {
  constructor(
    readonly field: 'jump' | 'jumpKeyFile',
    message: string,
  ) {
    super(message);
  }
}

// `[user@]host[:port]`: what is left out (user, port) comes from ~/.ssh/config when connecting.
function parseJump(draft: ProfileDraft): JumpInput {
  const trimmed = draft.jump.trim();
  if (!trimmed) return null;
  const match = /^(?:([^@\s]+)@)?([^:@\s]+)(?::(\d+))?$/.exec(trimmed);
  if (!match?.[2]) throw new JumpProblem('jump', `jump host '${trimmed}' is not [user@]host[:port]`);
  const keyFile = draft.jumpKeyFile.trim();
  if (draft.jumpAuthMethod === 'key' && !keyFile)
    throw new JumpProblem('jumpKeyFile', 'enter the jump host key file');
  const auth =
    draft.jumpAuthMethod === 'key'
      ? { method: 'key' as const, keyFile }
      : draft.jumpAuthMethod === 'agent'
        ? { method: 'agent' as const }
        : null;
  return { user: match[1] ?? null, host: match[2], port: match[3] ? Number(match[3]) : null, auth };
}

/** A number field: empty is no number (the schema then says it is required), never 0. */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The profile the draft describes, before the schema has checked it. */
function candidateOf(draft: ProfileDraft, jump: JumpInput): ProfileInput {
  const common = {
    ...(draft.id ? { id: draft.id } : {}),
    name: draft.name.trim(),
    workingDir: draft.workingDir.trim(),
    instanceKind: draft.instanceKind,
    serviceManager: draft.serviceManager,
    instancePort: numberOf(draft.instancePort),
  };
  if (draft.kind === 'local') return { ...common, kind: 'local', coinDir: draft.coinDir.trim() };
  return {
    ...common,
    kind: 'ssh',
    host: draft.host.trim(),
    port: numberOf(draft.port),
    user: draft.user.trim(),
    auth:
      draft.authMethod === 'agent' ? { method: 'agent' } : { method: 'key', keyFile: draft.keyFile.trim() },
    jump,
    coinDir: draft.coinDir.trim(),
  };
}

/** The draft checked with DeskApi's own schema: the profile, or each field's problem in plain words. */
export function checkDraft(
  draft: ProfileDraft,
): { ok: true; profile: ProfileInput } | { ok: false; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  let jump: JumpInput = null;
  try {
    jump = parseJump(draft);
  } catch (error) {
    const { field, message } = error as JumpProblem;
    problems.push({ field, message: `${draftLabels[field]}: ${message}.` });
  }
  const profile = candidateOf(draft, jump);
  const result = profileInputSchema.safeParse(profile);
  if (!result.success)
    for (const problem of fieldProblems(result.error)) {
      const field = fieldOfPath(problem.path.split('.'));
      problems.push({ field, message: sentence(draftLabels[field], problem.message) });
    }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, profile };
}

/** The profile the form describes; throws with the first problem, in plain words. */
export function profileFromDraft(draft: ProfileDraft): ProfileInput {
  const checked = checkDraft(draft);
  if (!checked.ok) throw new Error(checked.problems[0]!.message);
  return checked.profile;
}
