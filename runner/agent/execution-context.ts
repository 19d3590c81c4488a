/** The state an agent carries from one instruction to the next while it runs a work item. */
import type { WorkDirs } from '../core/agent-protocol';
import type { TemplateData } from '../core/coin-files/go-template';

/** How the agent moves artifacts to and from the instance. */
export interface ArtifactChannel {
  /** Archive `directory` and upload it as this work item's artifact of `transferType`; returns its key. */
  upload(directory: string, transferType: string, log: (line: string) => void): Promise<string>;
  /** Unpack the work item's input artifacts of `kind` into `directory` (InstallBinaryArchive). */
  install(kind: 'build' | 'test', directory: string, log: (line: string) => void): Promise<number>;
}

export interface ExecutionContext {
  env: Record<string, string>;
  cwd: string;
  dirs: WorkDirs;
  numCpu: number;
  coinDownloadUrl: string;
  artifacts: ArtifactChannel;
  signal: AbortSignal;
  log(line: string): void;
  uploaded: string[];
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
