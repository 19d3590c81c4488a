/** The version of a file's content: mtime and size as the host reports them, and the SHA-256. */
import { createHash } from 'node:crypto';
import type { FileVersion } from '../../common/instance-schemas';

/** The version of `content` with the host's mtime (ms) and the content's size. */
export function fileVersionOf(content: Buffer, mtimeMs: number): FileVersion {
  return { mtimeMs, size: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

/** Whether the file still holds the content `expected` was read at (null: must not exist). */
export function sameVersion(current: FileVersion | null, expected: FileVersion | null): boolean {
  if (current === null || expected === null) return current === expected;
  return current.sha256 === expected.sha256;
}
