/** Version strings and their comparison, for tool checks such as "git >= 2.0.0". */

/** The first dotted number in `text` (e.g. "git version 2.39.5" -> [2, 39, 5]), or null. */
export function parseVersion(text: string): number[] | null {
  const match = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!match) return null;
  return match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
}

/** Negative when a < b, zero when equal, positive when a > b (missing parts count as 0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** True when the version found in `text` is at least `minimum` ("2.0.0"). */
export function isAtLeast(text: string, minimum: string): boolean {
  const found = parseVersion(text);
  const wanted = parseVersion(minimum);
  return found !== null && wanted !== null && compareVersions(found, wanted) >= 0;
}
