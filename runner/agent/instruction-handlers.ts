/**
 * What each instruction type does on an agent: one handler per type (Group is walked by the
 * executor). A type without a handler fails the work item with a message saying so, never a
 * silent pass; the types that need systems this instance lacks fail saying what is missing.
 */
import {
  installBinaryArchive,
  installSourceArchive,
  installTestBinaryArchive,
  uploadArtifact,
  uploadTestArtifact,
} from './handlers/artifacts';
import { executeCommand } from './handlers/command';
import { parseEnvironmentFromFile, setEnvironmentFromScript, setVariable } from './handlers/environment';
import {
  changeDirectory,
  createFileList,
  makeDirectory,
  renameInstruction,
  setBuildDirectory,
  writeFileInstruction,
} from './handlers/files';
import type { InstructionHandler } from './handlers/handler-kit';
import { runQtUnitTest, scheduleUploadTestResults } from './handlers/tests';
import { signPackage, updateRepo } from './handlers/unsupported';

export { defaultLimits, type InstructionHandler, type Render, type Step } from './handlers/handler-kit';

/** The handler of each instruction type (Group is walked by the executor itself). */
export const instructionHandlers: Readonly<Record<string, InstructionHandler>> = {
  ExecuteCommand: executeCommand,
  EnvironmentVariable: setVariable('set'),
  PrependToEnvironmentVariable: setVariable('prepend'),
  AppendToEnvironmentVariable: setVariable('append'),
  ParseEnvironmentVariableFromFile: parseEnvironmentFromFile,
  SetEnvironmentFromScript: setEnvironmentFromScript,
  ChangeDirectory: changeDirectory,
  MakeDirectory: makeDirectory,
  SetBuildDirectory: setBuildDirectory,
  WriteFile: writeFileInstruction,
  Rename: renameInstruction,
  CreateFileListFromDirectory: createFileList,
  UploadArtifact: uploadArtifact,
  UploadTestArtifact: uploadTestArtifact,
  InstallBinaryArchive: installBinaryArchive,
  InstallTestBinaryArchive: installTestBinaryArchive,
  InstallSourceArchive: installSourceArchive,
  RunQtUnitTest: runQtUnitTest,
  ScheduleUploadTestResults: scheduleUploadTestResults,
  SignPackage: signPackage,
  UpdateRepo: updateRepo,
};

/** The handler of `type`, if agents know it. */
export function handlerFor(type: string): InstructionHandler | undefined {
  return Object.hasOwn(instructionHandlers, type) ? instructionHandlers[type] : undefined;
}
