/**
 * The one table of Coin instruction types and their fields, as the real Qt files use them
 * (shared/reference/coin-instructions.md). Loading, lint and the agent all read it from here.
 */

/** What one instruction type accepts, besides the fields every instruction may carry. */
export interface InstructionSpec {
  readonly type: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly summary: string;
}

/** Fields every instruction may carry (enable_if and disable_if never both). */
export const commonInstructionFields: readonly string[] = [
  'type',
  'enable_if',
  'disable_if',
  'executeOn',
  'userMessageOnFailure',
  'maxTimeInSeconds',
  'maxTimeBetweenOutput',
];

const variableFields = { required: ['variableName', 'variableValue'], optional: [] };
const directoryField = { required: ['directory'], optional: [] };

const specs: readonly InstructionSpec[] = [
  {
    type: 'ExecuteCommand',
    required: ['command'],
    // The misspelt "Spliting" is the field's real name.
    optional: [
      'executeCommandArgumentSplitingBehavior',
      'ignoreExitCode',
      'instructionName',
      'executeOnTarget',
      'resetError',
    ],
    summary: 'run a command (a string or an argv list)',
  },
  { type: 'EnvironmentVariable', ...variableFields, summary: 'set an environment variable' },
  { type: 'PrependToEnvironmentVariable', ...variableFields, summary: 'prepend to an environment variable' },
  { type: 'AppendToEnvironmentVariable', ...variableFields, summary: 'append to an environment variable' },
  { type: 'Group', required: ['instructions'], optional: [], summary: 'run a list of instructions' },
  { type: 'ChangeDirectory', ...directoryField, summary: 'change the working directory' },
  { type: 'MakeDirectory', ...directoryField, summary: 'create a directory' },
  { type: 'SetBuildDirectory', ...directoryField, summary: 'set the build directory ({{.BuildDir}})' },
  {
    type: 'WriteFile',
    required: ['filename', 'fileContents'],
    optional: ['fileMode', 'hiddenContent'],
    summary: 'write a file (fileMode decimal, e.g. 493 = 0755)',
  },
  {
    type: 'UploadArtifact',
    required: ['archiveDirectory', 'transferType'],
    optional: ['filename', 'filterListFileName'],
    summary: 'archive a directory and upload it to the artifact storage',
  },
  {
    type: 'UploadTestArtifact',
    required: ['transferType', 'archiveDirectory'],
    optional: [],
    summary: 'upload test results',
  },
  {
    type: 'InstallTestBinaryArchive',
    required: ['relativeStoragePath', 'directory'],
    optional: [],
    summary: 'install the test build artifact of this work item',
  },
  {
    type: 'InstallBinaryArchive',
    required: ['directory'],
    optional: ['regex'],
    summary: 'install the build artifacts of the dependencies',
  },
  {
    type: 'InstallSourceArchive',
    required: ['project', 'ref', 'directory'],
    optional: [],
    summary: 'unpack the sources of a project at a ref',
  },
  {
    type: 'RunQtUnitTest',
    required: ['runTestCommand', 'directory'],
    optional: ['testRepetitionAllowance'],
    summary: 'run Qt autotests with repetitions of failing ones',
  },
  {
    type: 'ScheduleUploadTestResults',
    required: [],
    optional: [],
    summary: 'upload test results at the end',
  },
  { type: 'SignPackage', ...directoryField, summary: 'sign the binaries in a directory' },
  { type: 'Rename', required: ['sourcePath', 'targetPath'], optional: [], summary: 'rename a file' },
  {
    type: 'ParseEnvironmentVariableFromFile',
    required: ['filename', 'regex'],
    optional: [],
    summary: 'set variables from the named groups (?P<VAR>...) of a regex matched on a file',
  },
  {
    type: 'SetEnvironmentFromScript',
    required: ['command'],
    optional: [],
    summary: 'take the environment a script leaves behind',
  },
  {
    type: 'CreateFileListFromDirectory',
    required: ['directory', 'filterListFileName'],
    optional: [],
    summary: 'write the list of files in a directory',
  },
  { type: 'UpdateRepo', required: ['repos'], optional: [], summary: 'update repositories on the agent' },
];

/** Every known instruction type by name. */
export const instructionCatalogue: ReadonlyMap<string, InstructionSpec> = new Map(
  specs.map((s) => [s.type, s]),
);

/** The spec of a type, or undefined for a type Coin does not know. */
export function instructionSpec(type: string): InstructionSpec | undefined {
  return instructionCatalogue.get(type);
}

/** Fields of `fields` that neither the type nor every instruction accepts, and required ones missing. */
export function checkInstructionFields(
  spec: InstructionSpec,
  fields: Record<string, unknown>,
): { unknown: string[]; missing: string[] } {
  const allowed = new Set([...commonInstructionFields, ...spec.required, ...spec.optional]);
  return {
    unknown: Object.keys(fields).filter((k) => !allowed.has(k)),
    missing: spec.required.filter((k) => !(k in fields)),
  };
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate closest to `name` by edit distance, if close enough to be a likely typo. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  const tolerance = Math.max(2, Math.floor(name.length / 3));
  return best && best.distance <= tolerance ? best.name : undefined;
}

/** The message for an instruction type Coin does not know, naming the nearest known one. */
export function unknownTypeMessage(type: string): string {
  const nearest = nearestName(type, instructionCatalogue.keys());
  return nearest
    ? `unknown instruction type "${type}", did you mean ${nearest}?`
    : `unknown instruction type "${type}" (known types: ${[...instructionCatalogue.keys()].join(', ')})`;
}

/** The message for a field the type does not accept, naming the nearest accepted one. */
export function unknownFieldMessage(spec: InstructionSpec, field: string): string {
  const nearest = nearestName(field, [...commonInstructionFields, ...spec.required, ...spec.optional]);
  const hint = nearest ? `, did you mean ${nearest}?` : '';
  return `${spec.type} has no field "${field}"${hint}`;
}
