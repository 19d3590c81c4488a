/**
 * Passphrase-protected key files: whether a key needs a passphrase and whether the one given opens
 * it, checked on this computer before anything is sent. The passphrase itself is never part of a
 * message.
 */
// ssh2 is CommonJS: Node's ESM loader cannot see `utils` as a named export, so take it from the
// default export (a named import works under vitest and crashes `npm start`).
import ssh2, { type ParsedKey } from 'ssh2';

const { utils } = ssh2;
import { DeskError } from '../../common/desk-api';

/** Why a key file could not be used: it needs a passphrase, or the one given does not open it. */
export type KeyPassphraseProblem = 'needed' | 'wrong';

/** The key file is protected by a passphrase that was not given, or the one given is wrong. */
export class KeyPassphraseError extends DeskError {
  constructor(
    readonly keyFile: string,
    readonly problem: KeyPassphraseProblem,
  ) {
    super('failed', keyPassphraseMessage(keyFile, problem));
    this.name = 'KeyPassphraseError';
  }
}

/** The message of a KeyPassphraseError (the UI recognises the error by its `keyPassphrase` state). */
export function keyPassphraseMessage(keyFile: string, problem: KeyPassphraseProblem): string {
  return problem === 'needed'
    ? `the key file ${keyFile} is protected by a passphrase: enter it to connect`
    : `the passphrase for ${keyFile} is wrong`;
}

/**
 * The key in `key` (the content of `keyFile`), decrypted with `passphrase` when it is encrypted.
 * Throws a KeyPassphraseError when the passphrase is needed and missing, or does not decrypt it;
 * other parse problems come back as an Error.
 */
export function openKey(keyFile: string, key: Buffer | string, passphrase?: string): ParsedKey | Error {
  const parsed = utils.parseKey(key, passphrase) as ParsedKey | ParsedKey[] | Error;
  if (Array.isArray(parsed)) return parsed[0] ?? new Error(`no key in ${keyFile}`);
  if (!(parsed instanceof Error)) return parsed;
  if (/no passphrase given/i.test(parsed.message)) throw new KeyPassphraseError(keyFile, 'needed');
  if (passphrase !== undefined && /passphrase|decrypt/i.test(parsed.message))
    throw new KeyPassphraseError(keyFile, 'wrong');
  return parsed;
}

/**
 * Throws a KeyPassphraseError when `key` (the content of `keyFile`) is encrypted and `passphrase`
 * is missing or does not decrypt it. Other parse problems are left to the SSH client to report.
 */
export function checkKeyPassphrase(keyFile: string, key: Buffer | string, passphrase?: string): void {
  openKey(keyFile, key, passphrase);
}
