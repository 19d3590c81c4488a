/**
 * Copies a directory tree into a work area: files as reflinks where the file system has them
 * (else plain copies, with their modes), their modification times kept, symbolic links as they
 * are, directories with their modes. It is what `fs.cp` with those options does, at a fraction
 * of its cost: `fs.cp` spends about 1.3 ms of JavaScript on a two-file tree (measured on these
 * 2-core machines, 0.08 ms for this copy), which every work item of a trivial build paid twice.
 *
 * The copy is synchronous and yields to the event loop every 256 entries, so a large tree (Qt's
 * sources) does not hold up the agent's socket for long.
 */
import {
  chmodSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

const entriesPerTurn = 256;

/** Copy the contents of `tree` into `target` (made when missing); existing files are replaced. */
export async function copyTree(tree: string, target: string): Promise<void> {
  const pending: [string, string][] = [[tree, target]];
  // modes are set at the end, deepest first: a read-only directory is still written into
  const modes: [string, number][] = [];
  let entries = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [from, to] = next;
    modes.push([to, lstatSync(from).mode & 0o7777]);
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      const copy = path.join(to, entry.name);
      if (entry.isDirectory()) pending.push([source, copy]);
      else if (entry.isSymbolicLink()) {
        rmSync(copy, { force: true });
        symlinkSync(readlinkSync(source), copy);
      } else if (entry.isFile()) {
        copyFileSync(source, copy, constants.COPYFILE_FICLONE);
        const stat = lstatSync(source);
        utimesSync(copy, stat.atime, stat.mtime);
      } else throw new Error(`cannot copy ${source}: not a file, directory or symbolic link`);
      if (++entries % entriesPerTurn === 0) await nextTurn();
    }
  }
  for (const [dir, mode] of modes.reverse()) chmodSync(dir, mode);
}
