/**
 * Build keys: the identity of a finished build, used to reuse its artifacts instead of building
 * again. A key is the SHA-256 of a canonical JSON encoding of everything that decides what a build
 * produces, plus the COIN revision, so a code change that makes old artifacts wrong can invalidate
 * them all by bumping one number (the administration guide's "Artifacts invalidation").
 *
 * The hash is a small pure-TypeScript SHA-256 (checked against the NIST vectors and node:crypto
 * in the unit tests) rather than an injected hash function: core stays free of I/O imports and
 * the same key can be computed anywhere (runner, CLI, renderer) without plumbing a hasher through.
 */

/**
 * COIN revision: bump this number (with the whole system stopped) when Coin's code changes in a
 * way that makes stored artifacts invalid. Every build key changes with it, so nothing old can hit;
 * the store also starts a new artifact epoch when it sees a new revision, so garbage collection
 * removes the old binaries first.
 */
export const COIN_REVISION = 1;

/** Everything that decides what a build produces. */
export interface BuildKeyInput {
  readonly project: string;
  readonly sha: string;
  /** The platform configuration as a plain object (key order does not matter). */
  readonly configuration: Readonly<Record<string, unknown>>;
  /** The resolved instruction list, as plain JSON-able values. */
  readonly instructions: unknown;
  /** Build keys of the work items this one consumes; order does not matter. */
  readonly dependencyKeys: readonly string[];
  /** An extra invalidation counter (the store's artifact epoch), when the caller wants it in the key. */
  readonly epoch?: number;
  /** Defaults to COIN_REVISION; a parameter only so tests can show it is part of the key. */
  readonly coinRevision?: number;
}

/** The exact text that is hashed into a build key (useful to explain why two keys differ). */
export function buildKeyMaterial(input: BuildKeyInput): string {
  const material: Record<string, unknown> = {
    kind: 'coin-build-key',
    coinRevision: input.coinRevision ?? COIN_REVISION,
    project: input.project,
    sha: input.sha,
    configuration: input.configuration,
    instructions: input.instructions,
    // Dependencies are a set: which other builds this one consumes, not in which order.
    dependencyKeys: [...input.dependencyKeys].sort(),
  };
  if (input.epoch !== undefined) material.epoch = input.epoch;
  return canonicalJson(material);
}

/** The build key: lowercase hex SHA-256 of buildKeyMaterial(input). */
export function buildKey(input: BuildKeyInput, hash: (text: string) => string = sha256Hex): string {
  return hash(buildKeyMaterial(input));
}

/**
 * JSON with object keys sorted (by UTF-16 code units) and no whitespace, so equal values always
 * encode to equal text. Object properties whose value is undefined are left out, like
 * JSON.stringify does; anything without a JSON meaning (undefined in an array, NaN, Infinity,
 * functions, symbols, bigints, non-plain objects such as Date or Map) throws instead of silently
 * turning into something else.
 */
export function canonicalJson(value: unknown): string {
  try {
    return encode(value);
  } catch (error) {
    if (!(error instanceof Unencodable)) throw error;
    throw new TypeError(`$${error.path.reverse().join('')}: ${error.message}`, { cause: error });
  }
}

/**
 * A value with no encoding; each enclosing array or object adds its step to `path` on the way out,
 * so the path is only built when there is such a value (a string per value cost more than the rest
 * of the encoding: 200 units' instructions took 77 ms in a fresh process, 28 ms without).
 */
class Unencodable extends Error {
  readonly path: string[] = [];
}

function encode(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Unencodable(`${value} has no JSON encoding`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + encodeAt(value[i], i);
    return `${out}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${encodeAt(item, key)}`;
    }
    return `${out}}`;
  }
  const what = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new Unencodable(`a ${what} has no canonical JSON encoding`);
}

/** encode() of a value inside an array (`step`: its index) or an object (`step`: its key). */
function encodeAt(value: unknown, step: number | string): string {
  try {
    return encode(value);
  } catch (error) {
    if (error instanceof Unencodable) error.path.push(typeof step === 'number' ? `[${step}]` : `.${step}`);
    throw error;
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// SHA-256 (FIPS 180-4) over the UTF-8 bytes of a string or over raw bytes.
const roundConstants = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const initialHash = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/** Lowercase hex SHA-256 of a string (hashed as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const hash = Uint32Array.from(initialHash);
  const padded = pad(bytes);
  const w = new Uint32Array(64);
  const view = new DataView(padded.buffer);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
    compress(hash, w);
  }
  return Array.from(hash, (word) => word.toString(16).padStart(8, '0')).join('');
}

// The message, a 1 bit, zeros, and the bit length as a 64-bit big-endian number: a multiple of 64 bytes.
function pad(bytes: Uint8Array): Uint8Array {
  const length = Math.ceil((bytes.length + 9) / 64) * 64;
  const padded = new Uint8Array(length);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = bytes.length * 8;
  view.setUint32(length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(length - 4, bits >>> 0);
  return padded;
}

function compress(hash: Uint32Array, w: Uint32Array): void {
  for (let t = 16; t < 64; t++) {
    const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
    const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  let [a, b, c, d, e, f, g, h] = [hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7]];
  for (let t = 0; t < 64; t++) {
    const t1 =
      (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + roundConstants[t] + w[t]) >>> 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  hash[0] += a;
  hash[1] += b;
  hash[2] += c;
  hash[3] += d;
  hash[4] += e;
  hash[5] += f;
  hash[6] += g;
  hash[7] += h;
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}
