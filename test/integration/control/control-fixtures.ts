// A module for control tests (a build that uploads, then sleeps in a child and a grandchild), and
// the live processes of a command line, read from /proc.
import { readdirSync, readFileSync } from 'node:fs';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

/** Pids of live processes whose command line is exactly `argv` (zombies excluded). */
export function processesOf(argv: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        if (/\) [ZX] /.test(stat)) return false;
        return readFileSync(`/proc/${n}/cmdline`, 'utf8').split('\0').join(' ').trim() === argv;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A module whose build uploads its artifact, then starts a child and a grandchild that sleep. */
export function slowModule(seconds: number, ignoreTerm = false): Record<string, string> {
  const script = `${ignoreTerm ? "trap '' TERM\n" : ''}echo started\nsleep ${seconds} &\nsleep ${seconds}\n`;
  const upload = `    - type: MakeDirectory
      directory: "{{.InstallRoot}}/{{.InstallDir}}/share"
    - type: WriteFile
      filename: "{{.InstallRoot}}/{{.InstallDir}}/share/half.txt"
      fileContents: "half a build"
    - type: UploadArtifact
      archiveDirectory: "{{.InstallRoot}}/{{.AgentWorkingDir}}"
      transferType: UploadModuleBuildArtifact
    - type: ExecuteCommand
      command: "sh {{.SourceDir}}/slow.sh"
`;
  return { 'coin/module_config.yaml': toolModuleConfig(upload), 'tool.c': toolSource, 'slow.sh': script };
}
