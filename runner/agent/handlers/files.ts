/**
 * Instructions on directories and files: ChangeDirectory, MakeDirectory, SetBuildDirectory,
 * WriteFile, Rename and CreateFileListFromDirectory. Relative paths are taken from the current
 * working directory (the last ChangeDirectory; the source directory at the start).
 */
import { chmod, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hideFromLog, type ActiveContext } from '../execution-context';
import { InstructionFailure } from '../instruction-failure';
import { formatFileList, listFiles } from './file-list';
import { booleanField, resolvePath, stringField, type Step } from './handler-kit';

/** ChangeDirectory: later relative paths and commands start here; it must exist. */
export async function changeDirectory(step: Step, ctx: ActiveContext): Promise<void> {
  const dir = resolvePath(ctx.cwd, stringField(step, 'directory'));
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new InstructionFailure(`ChangeDirectory: ${dir} is not a directory`);
  ctx.cwd = dir;
}

/** MakeDirectory: create it with its parents (an existing one is fine). */
export async function makeDirectory(step: Step, ctx: ActiveContext): Promise<void> {
  const dir = resolvePath(ctx.cwd, stringField(step, 'directory'));
  await mkdir(dir, { recursive: true }).catch((error: Error) => {
    throw new InstructionFailure(`MakeDirectory ${dir} failed: ${error.message}`);
  });
}

/** SetBuildDirectory: what `{{.BuildDir}}` means from now on (not created, not entered). */
export async function setBuildDirectory(step: Step, ctx: ActiveContext): Promise<void> {
  ctx.dirs = { ...ctx.dirs, buildDir: resolvePath(ctx.cwd, stringField(step, 'directory')) };
}

/**
 * `fileMode` as the real files write it. They use decimal (493 = 0755, 420 = 0644); `0400` is
 * already octal when it gets here (the YAML layer reads it the YAML 1.1 way, coin-yaml.ts). One
 * file writes 755 and then runs `chmod 755` on the file: a number up to 511 (0777) is read as
 * decimal; a larger one cannot be decimal permission bits, so its digits are read as octal
 * (755 -> 0755; lint notes it). Strings: "0o755" and "0755" are octal, plain digits follow the
 * number rule. Absent: 0644.
 */
export function parseFileMode(value: unknown): number {
  if (value === undefined || value === null) return 0o644;
  const text = String(value).trim();
  if (/^0o?[0-7]+$/i.test(text) && text.length > 1) return Number.parseInt(text.replace(/^0o?/i, ''), 8);
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    if (number <= 0o777) return number;
    if (/^[0-7]+$/.test(text) && Number.parseInt(text, 8) <= 0o7777) return Number.parseInt(text, 8);
  }
  throw new InstructionFailure(
    `fileMode ${JSON.stringify(value)} is not a file mode (e.g. 493, 420 or 0o755)`,
  );
}

/** WriteFile: write the rendered contents with the mode; hidden contents never reach the log. */
export async function writeFileInstruction(step: Step, ctx: ActiveContext): Promise<void> {
  const file = resolvePath(ctx.cwd, stringField(step, 'filename'));
  const mode = parseFileMode(step.instruction.fields.fileMode);
  const hidden = booleanField(step, 'hiddenContent');
  const contents = step.instruction.fields.fileContents == null ? '' : stringField(step, 'fileContents');
  if (hidden) hideFromLog(ctx, contents);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, contents, { mode });
    await chmod(file, mode); // an existing file keeps its mode otherwise, and the umask applies
  } catch (error) {
    throw new InstructionFailure(`WriteFile ${file} failed: ${(error as Error).message}`);
  }
  const size = Buffer.byteLength(contents);
  ctx.log(`wrote ${file} (${size} bytes, mode 0${mode.toString(8)}${hidden ? ', content hidden' : ''})`);
}

/** Rename: move a file or directory; the target's parent directory is created. */
export async function renameInstruction(step: Step, ctx: ActiveContext): Promise<void> {
  const from = resolvePath(ctx.cwd, stringField(step, 'sourcePath'));
  const to = resolvePath(ctx.cwd, stringField(step, 'targetPath'));
  try {
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `${from} does not exist` : (error as Error).message;
    throw new InstructionFailure(`Rename ${from} -> ${to} failed: ${reason}`);
  }
  ctx.log(`renamed ${from} -> ${to}`);
}

/**
 * CreateFileListFromDirectory: write the files under `directory` (relative, sorted, one per
 * line) into `filterListFileName`. The real use (qtbase `cmake_documentation_build.yaml`) lists
 * the doc directory *before* the docs are built and names the list again in the UploadArtifact
 * of that directory: the listed files were there before and are left out of the upload, so only
 * what the build produced is uploaded (*inferred*). A missing directory gives an empty list.
 */
export async function createFileList(step: Step, ctx: ActiveContext): Promise<void> {
  const dir = resolvePath(ctx.cwd, stringField(step, 'directory'));
  const name = stringField(step, 'filterListFileName');
  const listFile = resolvePath(ctx.cwd, name);
  const files = await listFiles(dir);
  await mkdir(path.dirname(listFile), { recursive: true });
  await writeFile(listFile, formatFileList(files));
  ctx.run.fileLists.set(name, listFile);
  ctx.log(`listed ${files.length} file(s) of ${dir} into ${listFile}`);
}
