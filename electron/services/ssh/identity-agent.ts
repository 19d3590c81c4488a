/**
 * An SSH agent as ~/.ssh/config names it (IdentityAgent) and, with IdentitiesOnly, limited to the
 * keys whose public halves the config names: the agent may hold many keys, and offering each in
 * turn shows them all to the server and runs into its MaxAuthTries.
 */
import fs from 'node:fs/promises';
import ssh2, { type IdentityCallback, type ParsedKey, type PublicKeyEntry } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader (npm start, npm run host) sees only its default export.
const { OpenSSHAgent, utils } = ssh2;

// An agent answers with parsed keys; the types also allow entries that wrap one.
function publicOf(key: ParsedKey | PublicKeyEntry): Buffer | undefined {
  const inner = 'pubKey' in key ? key.pubKey : key;
  const parsed = 'pubKey' in inner ? inner.pubKey : inner;
  return typeof parsed === 'object' && 'getPublicSSH' in parsed ? parsed.getPublicSSH() : undefined;
}

/** The public key (wire format) of an OpenSSH `.pub` file, or undefined when it cannot be read. */
async function publicBlobOf(file: string): Promise<Buffer | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = utils.parseKey(text);
  return parsed instanceof Error ? undefined : (Array.isArray(parsed) ? parsed[0] : parsed)?.getPublicSSH();
}

/** An agent that offers only the keys whose public key is in `allowed` (wire format). */
export class FilteredAgent extends OpenSSHAgent {
  constructor(
    socketPath: string,
    private readonly allowed: readonly Buffer[],
  ) {
    super(socketPath);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((error, keys) => {
      if (error || !keys) return cb(error, keys);
      cb(
        undefined,
        keys.filter((key) =>
          this.allowed.some((blob) => {
            const own = publicOf(key);
            return own !== undefined && blob.equals(own);
          }),
        ),
      );
    });
  }
}

/**
 * The agent at `socket`, limited to the keys of `publicKeyFiles` when that is a list
 * (IdentitiesOnly yes); files that cannot be read allow nothing.
 */
export async function identityAgent(
  socket: string,
  publicKeyFiles: readonly string[] | null,
): Promise<string | FilteredAgent> {
  if (!publicKeyFiles) return socket;
  const blobs = await Promise.all(publicKeyFiles.map(publicBlobOf));
  return new FilteredAgent(
    socket,
    blobs.filter((b): b is Buffer => b !== undefined),
  );
}
