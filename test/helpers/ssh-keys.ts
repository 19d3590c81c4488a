// ed25519 key pairs for tests. ssh2's generateKeyPairSync encodes a public key whose first byte is
// zero with 31 bytes instead of 32 (about 1 key in 400 here), and ssh2 itself then refuses to read
// that key back ("Malformed OpenSSH public key"): such a pair is drawn again.
import ssh2 from 'ssh2';

export interface TestKeyPair {
  private: string;
  public: string;
}

/** A new ed25519 key pair that ssh2 (and so the fakes and clients under test) can read back. */
export function generateEd25519KeyPair(): TestKeyPair {
  for (let attempt = 0; ; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    const readable =
      !(ssh2.utils.parseKey(pair.public) instanceof Error) &&
      !(ssh2.utils.parseKey(pair.private) instanceof Error);
    if (readable) return pair;
    if (attempt >= 20) throw new Error('ssh2 could not read back 20 ed25519 key pairs it generated in a row');
  }
}
