/**
 * Key files unlocked with their passphrase, kept decrypted in this process's memory only (never
 * written, never logged, never sent to the UI), per profile, so that a reconnect of the profile
 * (after a dropped connection, a saved edit, a closed session) does not ask again. The passphrase
 * itself is not kept: it opens the key once and is dropped.
 *
 * A key is forgotten when its profile is deleted or explicitly disconnected, when the profile no
 * longer uses that file (its key file path changed), when the file changes on disk (modification
 * time, size or content differ from when it was unlocked), and when the app quits.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
// ssh2 is CommonJS: Node's ESM loader cannot see `utils` as a named export, so take it from the
// default export (a named import works under vitest and crashes `npm start`).
import ssh2, { type ParsedKey } from 'ssh2';

const { utils } = ssh2;
import { DeskError } from '../../common/desk-api';
import { KeyPassphraseError, openKey } from './key-passphrase';

/** A key file as read: its content and what tells a changed file apart. */
interface KeyFileRead {
  content: Buffer;
  mtimeMs: number;
  size: number;
  sha256: string;
}

interface UnlockedKey {
  mtimeMs: number;
  size: number;
  sha256: string;
  key: ParsedKey;
}

/** Reads a key file and its stat through one handle (so both describe the same file). */
async function readKeyFile(keyFile: string): Promise<KeyFileRead> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(keyFile, 'r');
    const stat = await handle.stat();
    const content = await handle.readFile();
    const sha256 = createHash('sha256').update(content).digest('hex');
    return { content, mtimeMs: stat.mtimeMs, size: stat.size, sha256 };
  } catch (error) {
    throw new DeskError('failed', `cannot read the key file ${keyFile}: ${(error as Error).message}`);
  } finally {
    await handle?.close();
  }
}

/** Whether the key needs a passphrase to be used. */
function isEncrypted(content: Buffer): boolean {
  const parsed = utils.parseKey(content);
  return parsed instanceof Error && /no passphrase given/i.test(parsed.message);
}

/** The unlocked keys of every profile, for the life of the app process. */
export class UnlockedKeys {
  private readonly byProfile = new Map<string, Map<string, UnlockedKey>>();

  /**
   * The private key to authenticate with from `keyFile` (an absolute path): the file's content
   * when it is not protected, else the key unlocked for this profile while the file is unchanged.
   * A protected key that is not unlocked (or whose file changed since) throws a KeyPassphraseError
   * 'needed', and a changed file's key is forgotten.
   */
  async privateKey(profileId: string, keyFile: string): Promise<Buffer | ParsedKey> {
    const file = await readKeyFile(keyFile);
    if (!isEncrypted(file.content)) return file.content;
    const kept = this.byProfile.get(profileId)?.get(keyFile);
    if (kept && kept.mtimeMs === file.mtimeMs && kept.size === file.size && kept.sha256 === file.sha256)
      return kept.key;
    this.forgetFile(profileId, keyFile);
    throw new KeyPassphraseError(keyFile, 'needed');
  }

  /**
   * Opens `keyFile` with `passphrase` and keeps the decrypted key for the profile. A wrong
   * passphrase throws a KeyPassphraseError 'wrong' and keeps nothing; a key without a passphrase
   * needs nothing kept.
   */
  async unlock(profileId: string, keyFile: string, passphrase: string): Promise<void> {
    const file = await readKeyFile(keyFile);
    if (!isEncrypted(file.content)) return;
    const key = openKey(keyFile, file.content, passphrase);
    if (key instanceof Error)
      throw new DeskError('failed', `cannot use the key file ${keyFile}: ${key.message}`);
    let keys = this.byProfile.get(profileId);
    if (!keys) this.byProfile.set(profileId, (keys = new Map()));
    keys.set(keyFile, { mtimeMs: file.mtimeMs, size: file.size, sha256: file.sha256, key });
  }

  /** Whether a key of `keyFile` is kept for the profile (it may still be stale on disk). */
  holds(profileId: string, keyFile: string): boolean {
    return this.byProfile.get(profileId)?.has(keyFile) ?? false;
  }

  /** Forgets the profile's keys of files it no longer uses (`keyFiles`: those it uses now). */
  retain(profileId: string, keyFiles: readonly string[]): void {
    const keys = this.byProfile.get(profileId);
    if (!keys) return;
    for (const file of [...keys.keys()]) if (!keyFiles.includes(file)) keys.delete(file);
    if (keys.size === 0) this.byProfile.delete(profileId);
  }

  /** Forgets every key of the profile (deleted, or disconnected on purpose). */
  forget(profileId: string): void {
    this.byProfile.delete(profileId);
  }

  /** Forgets everything (the app quits). */
  clear(): void {
    this.byProfile.clear();
  }

  private forgetFile(profileId: string, keyFile: string): void {
    const keys = this.byProfile.get(profileId);
    keys?.delete(keyFile);
    if (keys?.size === 0) this.byProfile.delete(profileId);
  }
}
