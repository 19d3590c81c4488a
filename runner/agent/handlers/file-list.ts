/** Lists of the files under a directory: what CreateFileListFromDirectory writes and uploads filter. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every file (and symbolic link) under `directory`, as '/'-separated paths relative to it,
 * sorted; directories themselves are not listed. A missing directory lists nothing.
 */
export async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(directory, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The text of a file list: one path per line, ending with a newline (empty for no files). */
export function formatFileList(files: readonly string[]): string {
  return files.length === 0 ? '' : `${files.join('\n')}\n`;
}

/** Read a file list written by formatFileList (blank lines ignored). */
export async function readFileList(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text.split('\n').filter((line) => line !== '');
}
