/** The state an agent carries from one instruction to the next while it runs a work item. */
import type { WorkDirs } from '../core/agent-protocol';
import type { TemplateData } from '../core/coin-files/go-template';
import type { TestResult } from '../core/test-report';
import { maskHiddenBytes } from './output-chunks';
import type { CommandOutcome, DirectOutput, RunCommandOptions } from './run-command';

/** Runs one command for a handler: run-command.ts on an agent; a recorder where nothing may run. */
export type CommandRunner = (options: RunCommandOptions) => Promise<CommandOutcome>;

/** What UploadArtifact / UploadTestArtifact ask of an upload besides the directory. */
export interface UploadOptions {
  /** The archive's name (`filename` of a `GenericArtifactWithName` upload, e.g. `custom_cmake_qtbase.tar.gz`). */
  filename?: string;
  /**
   * Paths relative to the directory ('/'-separated) to leave out: the files a
   * CreateFileListFromDirectory listed before the build (`filterListFileName`).
   */
  exclude?: readonly string[];
  /** Where the contents belong in a work area that receives them (runner/core/artifact-mount.ts). */
  mount?: string;
}

/** What InstallBinaryArchive / InstallTestBinaryArchive ask of an install besides the kind. */
export interface InstallOptions {
  /** Only artifacts whose name matches (InstallBinaryArchive `regex`, already a JS RegExp source). */
  nameRegex?: string;
  /** Where Coin stores the archive (InstallTestBinaryArchive `relativeStoragePath`, rendered). */
  relativeStoragePath?: string;
}

/** How the agent moves artifacts to and from the instance. */
export interface ArtifactChannel {
  /** Archive `directory` and upload it as this work item's artifact of `transferType`; returns its key. */
  upload(
    directory: string,
    transferType: string,
    log: (line: string) => void,
    options?: UploadOptions,
  ): Promise<string>;
  /** Unpack the work item's input artifacts of `kind` into `directory`; returns how many. */
  install(
    kind: 'build' | 'test',
    directory: string,
    log: (line: string) => void,
    options?: InstallOptions,
  ): Promise<number>;
  /**
   * Unpack the sources of `project` (`qt/qtqa`) at `ref` (a branch or sha) into `directory`
   * (InstallSourceArchive). Optional: a channel without it makes that instruction fail.
   */
  installSource?(project: string, ref: string, directory: string, log: (line: string) => void): Promise<void>;
}

/** Bookkeeping of one run that later instructions read; executeInstructions creates it. */
export interface RunState {
  /** Texts that must never reach the log (WriteFile `hiddenContent`): masked in every line. */
  readonly hidden: string[];
  /** Lists written by CreateFileListFromDirectory, by their `filterListFileName`: the file's path. */
  readonly fileLists: Map<string, string>;
  /** Set by ScheduleUploadTestResults: collect and upload the test reports when the list ends. */
  testResultsScheduled: boolean;
}

export interface ExecutionContext {
  env: Record<string, string>;
  cwd: string;
  dirs: WorkDirs;
  numCpu: number;
  /** Put before every command's argv (e.g. taskset holding it to machine_type's cores); may be absent. */
  commandPrefix?: readonly string[];
  /** How commands run (default: runCommand, a real process); every handler's commands go through it. */
  commands?: CommandRunner;
  coinDownloadUrl: string;
  artifacts: ArtifactChannel;
  signal: AbortSignal;
  log(line: string): void;
  /**
   * Where commands' output goes as bytes (runs of complete lines), when the agent takes it so
   * (the log's fast path); without it every line goes through `log`.
   */
  output?(bytes: Buffer): void;
  /**
   * With `output`: commands write into a spool file here instead of pipes, and the agent ships
   * the file's growth (spool-file.ts). Outside every work area.
   */
  spoolDir?: string;
  /**
   * The work item's log file when the agent writes it itself (log-file-sink.ts): commands write
   * into it directly while no hidden text is known; afterwards their output goes through
   * `output`, which masks it.
   */
  direct?: DirectOutput;
  uploaded: string[];
  /** Test outcomes (RunQtUnitTest, ScheduleUploadTestResults); executeInstructions creates it when absent. */
  testResults?: TestResult[];
  /** Created by executeInstructions (which then masks hidden texts in `log`). */
  run?: RunState;
}

/** The context as handlers see it: the executor has filled in the bookkeeping. */
export interface ActiveContext extends ExecutionContext {
  testResults: TestResult[];
  run: RunState;
}

/** Lines of hidden content shorter than this are not masked: they are too common ("fi", "done"). */
const shortestMasked = 6;

/** Replace every hidden text (and each of its lines) in `line` by `***`. */
export function maskHidden(line: string, hidden: readonly string[]): string {
  let masked = line;
  for (const text of hidden) masked = masked.replaceAll(text, '***');
  return masked;
}

/** Remember `content` as hidden: it and each of its longer lines are masked in the log from now on. */
export function hideFromLog(ctx: ActiveContext, content: string): void {
  const pieces = [content, ...content.split(/\r?\n/)]
    .map((p) => p.trim())
    .filter((p) => p.length >= shortestMasked);
  // Longest first, so a whole text is masked before one of its lines would split it.
  for (const piece of pieces) if (!ctx.run.hidden.includes(piece)) ctx.run.hidden.push(piece);
  ctx.run.hidden.sort((a, b) => b.length - a.length);
}

/** Fill in the bookkeeping (once per context) and make `log` and `output` mask hidden texts. */
export function activateContext(ctx: ExecutionContext): ActiveContext {
  ctx.testResults ??= [];
  if (!ctx.run) {
    const run: RunState = { hidden: [], fileLists: new Map(), testResultsScheduled: false };
    const sink = ctx.log.bind(ctx);
    ctx.run = run;
    ctx.log = (line) => sink(run.hidden.length === 0 ? line : maskHidden(line, run.hidden));
    const bytesSink = ctx.output?.bind(ctx);
    if (bytesSink)
      ctx.output = (bytes) => bytesSink(run.hidden.length === 0 ? bytes : maskHiddenBytes(bytes, run.hidden));
  }
  return ctx as ActiveContext;
}

/** The data Coin's templates see: `.SourceDir`, `.Env.X`, ... */
export function templateData(ctx: ExecutionContext): TemplateData {
  return {
    SourceDir: ctx.dirs.sourceDir,
    BuildDir: ctx.dirs.buildDir,
    InstallDir: ctx.dirs.installDir,
    InstallRoot: ctx.dirs.installRoot,
    AgentWorkingDir: ctx.dirs.agentWorkingDir,
    NumCPU: ctx.numCpu,
    CoinDownloadURL: ctx.coinDownloadUrl,
    Env: ctx.env,
  };
}
