import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  buildKey,
  buildKeyMaterial,
  canonicalJson,
  COIN_REVISION,
  sha256Hex,
  type BuildKeyInput,
} from '../../../../runner/core/build-key';

const base: BuildKeyInput = {
  project: 'qt/qtbase',
  sha: '4b8ab3d1a7f2c6e9d0b1a2c3d4e5f60718293a4b',
  configuration: { id: 'linux-gcc', os: { name: 'Ubuntu', version: '22.04' }, features: ['Packaging'] },
  instructions: [
    { type: 'EnvironmentVariable', variableName: 'CC', variableValue: 'gcc' },
    { type: 'ExecuteCommand', command: ['cmake', '--build', '.'], maxTimeInSeconds: 3600 },
  ],
  dependencyKeys: ['a'.repeat(64), 'b'.repeat(64)],
};

describe('sha256Hex', () => {
  test('matches the FIPS 180-4 example vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  test('agrees with node:crypto on every length around the block boundaries and on random bytes', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = randomBytes(length);
      expect(sha256Hex(bytes), `length ${length}`).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    const text = 'Qt ✓ Coin — ünïcödé 🚀';
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('canonicalJson', () => {
  test('sorts keys at every depth and leaves arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });

  test('drops undefined properties like JSON.stringify, and refuses values without a JSON meaning', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(() => canonicalJson([undefined])).toThrow(/\$\[0\]/);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/\$\.n: NaN/);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/\$\.when: a Date/);
    expect(() => canonicalJson({ a: [{ when: new Date(0) }] })).toThrow(/^\$\.a\[0\]\.when: a Date/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });

  test('escapes strings the way JSON does', () => {
    expect(canonicalJson({ 'quote"key': 'line\nbreak' })).toBe('{"quote\\"key":"line\\nbreak"}');
  });
});

describe('buildKey', () => {
  test('is a 64-digit hex sha256 of the material, the same for the same input', () => {
    const key = buildKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(buildKey(structuredClone(base))).toBe(key);
    expect(key).toBe(createHash('sha256').update(buildKeyMaterial(base)).digest('hex'));
  });

  test('does not depend on the order of object keys or of dependency keys', () => {
    const reordered: BuildKeyInput = {
      dependencyKeys: [...base.dependencyKeys].reverse(),
      instructions: [
        { variableValue: 'gcc', variableName: 'CC', type: 'EnvironmentVariable' },
        { maxTimeInSeconds: 3600, command: ['cmake', '--build', '.'], type: 'ExecuteCommand' },
      ],
      configuration: { features: ['Packaging'], os: { version: '22.04', name: 'Ubuntu' }, id: 'linux-gcc' },
      sha: base.sha,
      project: base.project,
    };
    expect(buildKey(reordered)).toBe(buildKey(base));
  });

  test('changes when any field changes', () => {
    const variants: BuildKeyInput[] = [
      { ...base, project: 'qt/qtdeclarative' },
      { ...base, sha: base.sha.replace('4', '5') },
      { ...base, configuration: { ...base.configuration, id: 'linux-clang' } },
      { ...base, configuration: { ...base.configuration, os: { name: 'Ubuntu', version: '24.04' } } },
      { ...base, instructions: [...(base.instructions as unknown[]).slice(0, 1)] },
      { ...base, instructions: [...(base.instructions as unknown[])].reverse() },
      { ...base, dependencyKeys: ['a'.repeat(64)] },
      { ...base, dependencyKeys: [...base.dependencyKeys, 'c'.repeat(64)] },
      { ...base, epoch: 2 },
    ];
    const keys = new Set([buildKey(base), ...variants.map((v) => buildKey(v))]);
    expect(keys.size).toBe(variants.length + 1);
    // the instance hashes with node:crypto: the same keys
    const nodeHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    for (const input of [base, ...variants]) expect(buildKey(input, nodeHash)).toBe(buildKey(input));
  });

  test('includes the COIN revision, so bumping it invalidates every key', () => {
    expect(buildKeyMaterial(base)).toContain(`"coinRevision":${COIN_REVISION}`);
    expect(buildKey({ ...base, coinRevision: COIN_REVISION })).toBe(buildKey(base));
    expect(buildKey({ ...base, coinRevision: COIN_REVISION + 1 })).not.toBe(buildKey(base));
  });

  test('keeps a string and a number of the same spelling apart', () => {
    expect(buildKey({ ...base, configuration: { jobs: 8 } })).not.toBe(
      buildKey({ ...base, configuration: { jobs: '8' } }),
    );
  });
});
