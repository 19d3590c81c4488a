/**
 * Reading and saving `DIR/coin_configuration.json`. Reads never take more than the size limit
 * into memory. Saves are atomic (a temporary file in the same directory, fsync, rename, fsync of
 * the directory) and refuse to overwrite a file that changed on disk since it was loaded: the
 * caller gets the three-way difference instead. A save can name who made it; the instance reads
 * that note when it applies the file, so the history says "alice" rather than "file edit".
 */
import { writeFileAtomic } from '../atomic-file';
import { sha256Of } from '../file-hash';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkRuntimeConfig, formatDiagnostic } from '../../core/runtime-config/config-check';
import { threeWayDifference, type ThreeWayDifference } from '../../core/runtime-config/config-diff';
import { runtimeConfigFileName } from '../../core/runtime-config/config-schema';
import { maxConfigChars } from '../../core/runtime-config/jsonc-parser';

/** The file as read: its text and hash, or why there is no text. */
export type ConfigFileSnapshot =
  | { readonly kind: 'text'; readonly text: string; readonly sha256: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'too-large'; readonly bytes: number };

/** DIR/coin_configuration.json. */
export function runtimeConfigPath(workingDir: string): string {
  return path.join(workingDir, runtimeConfigFileName);
}

/** Reads a configuration file, at most maxConfigChars bytes of it (a larger one is only measured). */
export async function readConfigFile(file: string): Promise<ConfigFileSnapshot> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size > maxConfigChars) return { kind: 'too-large', bytes: size };
    const buffer = Buffer.alloc(maxConfigChars + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0 || (length += bytesRead) === buffer.length) break;
    }
    if (length > maxConfigChars) return { kind: 'too-large', bytes: length };
    const text = buffer.subarray(0, length).toString('utf8');
    return { kind: 'text', text, sha256: sha256Of(text) };
  } finally {
    await handle.close();
  }
}

/** Who saved a file through the tools, kept beside it for the instance (by the text's hash). */
export interface AuthorNote {
  readonly sha256: string;
  readonly appliedBy: string;
  readonly via: string;
  readonly time: string;
}

/** How long an author note counts: a later edit of the same text by hand is a file edit again. */
const authorNoteTtlMs = 10 * 60_000;

function authorNotePath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.author`);
}

/** The note for this text if a tool saved it recently, else undefined. */
export async function readAuthorNote(
  file: string,
  sha256: string,
  now = Date.now(),
): Promise<AuthorNote | undefined> {
  try {
    const note = JSON.parse(await readFile(authorNotePath(file), 'utf8')) as AuthorNote;
    const fresh = now - Date.parse(note.time) < authorNoteTtlMs;
    return note.sha256 === sha256 && fresh && typeof note.appliedBy === 'string' ? note : undefined;
  } catch {
    return undefined;
  }
}

/** What saveConfigFile needs. */
export interface SaveRequest {
  readonly file: string;
  readonly text: string;
  /** The text the change was made from (as loaded); null when the file did not exist. */
  readonly base: string | null;
  /** Who saves (a user name); the instance records it instead of "file edit". */
  readonly appliedBy?: string;
  /** How, for the history: "coin config rollback to 3", "desktop editor". */
  readonly via?: string;
  /** Save even when the text has errors (default: refuse). */
  readonly allowErrors?: boolean;
}

/** Saved; or refused because the file changed on disk (with the three-way difference) or has errors. */
export type SaveResult =
  | { readonly saved: true; readonly sha256: string }
  | {
      readonly saved: false;
      readonly reason: 'changed-on-disk';
      readonly current: string | null;
      readonly difference: ThreeWayDifference;
    }
  | { readonly saved: false; readonly reason: 'invalid'; readonly errors: readonly string[] };

/** Saves atomically unless the file changed since `base` was loaded or the text has errors. */
export async function saveConfigFile(request: SaveRequest): Promise<SaveResult> {
  const check = checkRuntimeConfig(request.text);
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 && !request.allowErrors)
    return { saved: false, reason: 'invalid', errors: errors.map((d) => formatDiagnostic(d, request.file)) };
  const current = await readConfigFile(request.file);
  const currentText = current.kind === 'text' ? current.text : current.kind === 'missing' ? null : undefined;
  if (currentText !== request.base) {
    return {
      saved: false,
      reason: 'changed-on-disk',
      current: currentText ?? null,
      difference: difference(request, currentText ?? ''),
    };
  }
  const sha256 = sha256Of(request.text);
  if (request.appliedBy) {
    const note: AuthorNote = {
      sha256,
      appliedBy: request.appliedBy,
      via: request.via ?? 'saved',
      time: new Date().toISOString(),
    };
    await writeFileAtomic(authorNotePath(request.file), JSON.stringify(note), 0o644);
  }
  await writeFileAtomic(request.file, request.text, 0o644);
  return { saved: true, sha256 };
}

function difference(request: SaveRequest, theirs: string): ThreeWayDifference {
  const base = request.base ?? '';
  const values = [base, request.text, theirs].map((t) => checkRuntimeConfig(t).config);
  const known = values.every((v) => v !== undefined);
  return threeWayDifference(
    { base, mine: request.text, theirs },
    known ? { base: values[0], mine: values[1], theirs: values[2] } : undefined,
  );
}
