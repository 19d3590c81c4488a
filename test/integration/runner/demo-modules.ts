// Small modules of our own for runner tests: a C library with a tool, and a module that uses it.
import { readFileSync } from 'node:fs';

/** coin/module_config.yaml of a module that builds `tool` from `source` and installs it; `extraBuild` steps run first. */
export function toolModuleConfig(extraBuild = '', source = 'tool.c'): string {
  return `version: 2
accept_configuration:
  condition: property
  property: features
  not_contains_value: Disable
instructions:
  Build:
    - type: MakeDirectory
      directory: "{{.BuildDir}}"
${extraBuild}    - type: ExecuteCommand
      command: "cc -Wall -o {{.BuildDir}}/tool {{.SourceDir}}/${source}"
      userMessageOnFailure: "Failed to compile the tool."
    - type: MakeDirectory
      directory: "{{.InstallRoot}}/{{.InstallDir}}/bin"
    - type: ExecuteCommand
      command: "cp {{.BuildDir}}/tool {{.InstallRoot}}/{{.InstallDir}}/bin/tool"
    - type: UploadArtifact
      archiveDirectory: "{{.InstallRoot}}/{{.AgentWorkingDir}}"
      transferType: UploadModuleBuildArtifact
  Test:
    - type: ExecuteCommand
      command: "{{.InstallDir}}/bin/tool"
      userMessageOnFailure: "The tool does not run."
`;
}

export const toolSource = '#include <stdio.h>\nint main(void) { puts("tool works"); return 0; }\n';

/** A module whose build runs the tool its dependency installed (the way a module build uses qtbase). */
export function consumerModuleConfig(): string {
  return `version: 2
instructions:
  Build:
    - type: ExecuteCommand
      command: "{{.InstallDir}}/bin/tool"
      userMessageOnFailure: "The dependency's tool is not installed."
    - type: MakeDirectory
      directory: "{{.InstallRoot}}/{{.InstallDir}}/share"
    - type: WriteFile
      filename: "{{.InstallRoot}}/{{.InstallDir}}/share/consumer.txt"
      fileContents: "built with the tool"
    - type: UploadArtifact
      archiveDirectory: "{{.InstallRoot}}/{{.AgentWorkingDir}}"
      transferType: UploadModuleBuildArtifact
  Test:
    - type: ExecuteCommand
      command: "cat {{.InstallDir}}/share/consumer.txt"
`;
}

/** dependencies.yaml pinning `../tool` at `sha`. */
export function dependsOnTool(sha: string): string {
  return `dependencies:\n  ../tool:\n    ref: ${sha}\n    required: true\n`;
}

/** Read a file, for assertions. */
export function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/**
 * A C library that installs straight into {{.InstallDir}} (`include/`, `lib/`) and uploads that
 * directory, not InstallRoot/AgentWorkingDir the way Qt's modules do.
 */
export function libraryModuleConfig(): string {
  return `version: 2
instructions:
  Build:
    - type: MakeDirectory
      directory: "{{.InstallDir}}/include"
    - type: MakeDirectory
      directory: "{{.InstallDir}}/lib"
    - type: ExecuteCommand
      command: "cp {{.SourceDir}}/answer.h {{.InstallDir}}/include/answer.h"
    - type: ExecuteCommand
      command: "cc -c -o {{.BuildDir}}.o {{.SourceDir}}/answer.c"
    - type: ExecuteCommand
      command: "ar rcs {{.InstallDir}}/lib/libanswer.a {{.BuildDir}}.o"
    - type: UploadArtifact
      archiveDirectory: "{{.InstallDir}}"
      transferType: UploadModuleBuildArtifact
  Test: []
`;
}

export const librarySources = {
  'answer.h': 'int answer(void);\n',
  'answer.c': '#include "answer.h"\nint answer(void) { return 42; }\n',
};

/** A program built against the library its dependencies.yaml pins, from {{.InstallDir}}. */
export function programModuleConfig(): string {
  return `version: 2
instructions:
  Build:
    - type: ExecuteCommand
      command: "cc -I{{.InstallDir}}/include -o {{.SourceDir}}/program {{.SourceDir}}/program.c {{.InstallDir}}/lib/libanswer.a"
      userMessageOnFailure: "The program does not build against the library."
    - type: ExecuteCommand
      command: "{{.SourceDir}}/program"
  Test: []
`;
}

/** program.c of the program module; `variant` makes a new commit with the same meaning. */
export function programSource(variant = 0): string {
  return `#include "answer.h"\n/* ${variant} */\nint main(void) { return answer() == 42 ? 0 : 1; }\n`;
}

/** dependencies.yaml pinning `../<name>` at `sha`. */
export function dependsOn(name: string, sha: string): string {
  return `dependencies:\n  ../${name}:\n    ref: ${sha}\n    required: true\n`;
}
