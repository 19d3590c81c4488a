/**
 * Instructions that move archives through the work item's ArtifactChannel: UploadArtifact,
 * UploadTestArtifact, InstallBinaryArchive, InstallTestBinaryArchive and InstallSourceArchive.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { artifactMount } from '../../core/artifact-mount';
import { pythonRegex, PythonRegexError } from '../../core/python-regex';
import type { ActiveContext, UploadOptions } from '../execution-context';
import { InstructionFailure } from '../instruction-failure';
import { readFileList } from './file-list';
import { optionalField, resolvePath, stringField, type Step } from './handler-kit';

async function requireDirectory(dir: string, what: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new InstructionFailure(`${what}: ${dir} is not a directory`);
}

/** The files a `filterListFileName` names (written by CreateFileListFromDirectory). */
async function filterList(ctx: ActiveContext, name: string): Promise<string[]> {
  const file = ctx.run.fileLists.get(name) ?? resolvePath(ctx.cwd, name);
  return readFileList(file).catch(() => {
    throw new InstructionFailure(
      `filterListFileName "${name}": there is no list ${file} (CreateFileListFromDirectory writes it first)`,
    );
  });
}

/** The upload's mount point (artifact-mount.ts), from '/'-separated absolute paths. */
function mountOf(dir: string, ctx: ActiveContext): string {
  const slashes = (p: string) => path.resolve(p).split(path.sep).join('/');
  return artifactMount(slashes(dir), {
    agentWorkingDir: slashes(ctx.dirs.agentWorkingDir),
    installRoot: slashes(ctx.dirs.installRoot),
  });
}

async function upload(step: Step, ctx: ActiveContext, options: UploadOptions): Promise<void> {
  const dir = resolvePath(ctx.cwd, stringField(step, 'archiveDirectory'));
  const transferType = stringField(step, 'transferType');
  await requireDirectory(dir, `${step.instruction.type} has nothing to upload`);
  const key = await ctx.artifacts.upload(dir, transferType, (line) => ctx.log(line), {
    ...options,
    mount: mountOf(dir, ctx),
  });
  ctx.uploaded.push(key);
}

/** UploadArtifact: archive a directory (minus a filter list's files) as an artifact of `transferType`. */
export async function uploadArtifact(step: Step, ctx: ActiveContext): Promise<void> {
  const options: UploadOptions = {};
  const filename = optionalField(step, 'filename');
  if (filename) options.filename = filename;
  const listName = optionalField(step, 'filterListFileName');
  if (listName) options.exclude = await filterList(ctx, listName);
  await upload(step, ctx, options);
}

/** UploadTestArtifact: the built tests, which the test work item installs (InstallTestBinaryArchive). */
export async function uploadTestArtifact(step: Step, ctx: ActiveContext): Promise<void> {
  await upload(step, ctx, {});
}

function archiveRegex(step: Step): string | undefined {
  const pattern = optionalField(step, 'regex');
  if (pattern === undefined) return undefined;
  if (pattern === '')
    throw new InstructionFailure(
      `InstallBinaryArchive: regex "${String(step.instruction.fields.regex)}" renders empty`,
    );
  try {
    return pythonRegex(pattern).regex.source;
  } catch (error) {
    if (error instanceof PythonRegexError) throw new InstructionFailure(error.message);
    throw error;
  }
}

/** InstallBinaryArchive: unpack the dependencies' build artifacts (or the ones `regex` names) into `directory`. */
export async function installBinaryArchive(step: Step, ctx: ActiveContext): Promise<void> {
  const dir = resolvePath(ctx.cwd, stringField(step, 'directory'));
  const nameRegex = archiveRegex(step);
  const count = await ctx.artifacts.install(
    'build',
    dir,
    (line) => ctx.log(line),
    nameRegex ? { nameRegex } : {},
  );
  if (nameRegex && count === 0)
    throw new InstructionFailure(`InstallBinaryArchive: no artifact matches regex "${nameRegex}"`);
  ctx.log(`installed ${count} build artifact(s) into ${dir}`);
}

/** InstallTestBinaryArchive: unpack the tests this configuration's build uploaded; none is a failure. */
export async function installTestBinaryArchive(step: Step, ctx: ActiveContext): Promise<void> {
  const dir = resolvePath(ctx.cwd, stringField(step, 'directory'));
  const relativeStoragePath = stringField(step, 'relativeStoragePath');
  const count = await ctx.artifacts.install('test', dir, (line) => ctx.log(line), { relativeStoragePath });
  if (count === 0) {
    throw new InstructionFailure(
      `InstallTestBinaryArchive: no test artifact (${relativeStoragePath}) to install; the build uploads it with UploadTestArtifact`,
    );
  }
  ctx.log(`installed ${count} test artifact(s) into ${dir}`);
}

/** InstallSourceArchive: unpack `project` at `ref`; a relative `directory` is under `{{.AgentWorkingDir}}`. */
export async function installSourceArchive(step: Step, ctx: ActiveContext): Promise<void> {
  const project = stringField(step, 'project');
  const ref = stringField(step, 'ref');
  const dir = resolvePath(ctx.dirs.agentWorkingDir, stringField(step, 'directory'));
  if (!ctx.artifacts.installSource) {
    throw new InstructionFailure(
      `InstallSourceArchive: this agent's artifact channel cannot fetch source archives (wanted ${project} at ${ref})`,
      'system',
    );
  }
  await ctx.artifacts.installSource(project, ref, dir, (line) => ctx.log(line));
  ctx.log(`installed the sources of ${project} at ${ref} into ${dir}`);
}
