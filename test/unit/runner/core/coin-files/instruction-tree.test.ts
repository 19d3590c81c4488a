import { describe, expect, test } from 'vitest';
import { parseCoinYaml } from '../../../../../runner/core/coin-files/coin-yaml';
import {
  expandedInstructionCount,
  instructionError,
  InstructionTreeBuilder,
  lintInstructions,
} from '../../../../../runner/core/coin-files/instruction-tree';
import { yaml } from './memory-files';

function nodesOf(...lines: string[]) {
  return new InstructionTreeBuilder().list(parseCoinYaml('f.yaml', yaml(...lines)), undefined);
}

function errorOf(...lines: string[]): string {
  try {
    nodesOf(...lines);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('instruction nodes', () => {
  test('carry the common fields, the raw fields and Group children', () => {
    const [group] = nodesOf(
      '- type: Group',
      '  enable_if:',
      '    condition: property',
      '    property: host.os',
      '    equals_value: Windows',
      '  instructions:',
      '    - type: ExecuteCommand',
      '      command: ["cmake", "--build", "."]',
      '      executeOn: failure',
      '      maxTimeInSeconds: "{{.Env.CMAKE_BUILD_TIMEOUT}}"',
      '      maxTimeBetweenOutput: 1200',
      '      userMessageOnFailure: "Build failed"',
    );
    expect(group).toMatchObject({
      type: 'Group',
      known: true,
      enableIf: { condition: 'property', property: 'host.os', equals_value: 'Windows' },
      pos: { file: 'f.yaml', line: 1, column: 3 },
      notes: [],
    });
    expect(group!.disableIf).toBeUndefined();
    expect(group!.children).toHaveLength(1);
    expect(group!.children![0]).toMatchObject({
      type: 'ExecuteCommand',
      fields: { command: ['cmake', '--build', '.'] },
      executeOn: 'failure',
      maxTimeInSeconds: '{{.Env.CMAKE_BUILD_TIMEOUT}}',
      maxTimeBetweenOutput: 1200,
      userMessageOnFailure: 'Build failed',
      pos: { file: 'f.yaml', line: 7, column: 7 },
    });
    expect(instructionError(group!.children![0]!)).toBeUndefined();
  });

  test('both enable_if and disable_if fail loading', () => {
    expect(
      errorOf(
        '- type: EnvironmentVariable',
        '  variableName: A',
        '  variableValue: b',
        '  enable_if: {condition: property, property: host.os, equals_value: Linux}',
        '  disable_if: {condition: property, property: host.os, equals_value: Windows}',
      ),
    ).toBe('f.yaml:5:15: EnvironmentVariable has both enable_if and disable_if; keep one of them');
  });

  test('structural mistakes in common fields fail loading', () => {
    expect(errorOf('- type: ChangeDirectory', '  directory: x', '  executeOn: sometimes')).toBe(
      'f.yaml:3:14: executeOn must be "always" or "failure", got "sometimes"',
    );
    expect(errorOf('- type: ChangeDirectory', '  directory: x', '  maxTimeInSeconds: [1]')).toBe(
      'f.yaml:3:21: maxTimeInSeconds must be a number or string, got a list',
    );
    expect(errorOf('- command: make')).toBe('f.yaml:1:3: an instruction needs "type" (a string)');
    expect(errorOf('- ExecuteCommand')).toBe(
      'f.yaml:1:3: an instruction must be a map with a "type", got string "ExecuteCommand"',
    );
    expect(errorOf('- type: Group', '  instructions: make')).toBe(
      'f.yaml:2:17: expected a list of instructions, got string "make"',
    );
  });

  test('an unknown type loads, and fails only when reached, suggesting the nearest type', () => {
    const [node] = nodesOf('- type: ExcuteCommand', '  command: ["./install.sh"]');
    expect(node).toMatchObject({ type: 'ExcuteCommand', known: false });
    expect(instructionError(node!)?.message).toBe(
      'f.yaml:1:9: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
    );
  });

  test('a missing required field fails when reached', () => {
    const [node] = nodesOf('- type: WriteFile', '  filename: a.sh');
    expect(instructionError(node!)?.message).toBe('f.yaml:1:9: WriteFile needs "fileContents"');
  });

  test('unknown fields are notes, with a hint; keys that only hold an anchor are not', () => {
    const [node] = nodesOf(
      '- type: Group',
      '  helper: &h',
      '    type: ChangeDirectory',
      '    directory: x',
      '  instructions:',
      '    - *h',
      '    - type: ChangeDirectory',
      '      directry: y',
      '      directory: y',
    );
    expect(node!.notes).toEqual([]);
    expect(node!.children![1]!.notes).toEqual([
      {
        pos: { file: 'f.yaml', line: 8, column: 17 },
        message: 'ChangeDirectory has no field "directry", did you mean directory?',
      },
    ]);
  });

  test('a fileMode over 511 is a note: it is read as octal, and the note says how to write it', () => {
    const [ambiguous, octal, decimal] = nodesOf(
      '- type: WriteFile',
      '  filename: a.sh',
      '  fileContents: x',
      '  fileMode: 755',
      '- type: WriteFile',
      '  filename: b.sh',
      '  fileContents: x',
      '  fileMode: 0400',
      '- type: WriteFile',
      '  filename: c.sh',
      '  fileContents: x',
      '  fileMode: 493',
    );
    expect(ambiguous!.notes).toEqual([
      {
        pos: { file: 'f.yaml', line: 4, column: 13 },
        message: 'fileMode 755 is not a decimal mode (over 511); it is read as octal 0755: write 493 or 0755',
      },
    ]);
    expect(octal!.fields.fileMode).toBe(0o400);
    expect(octal!.notes).toEqual([]);
    expect(decimal!.notes).toEqual([]);
  });

  test('lint lists every problem and note once, shared subtrees included once', () => {
    const nodes = nodesOf(
      '- &shared',
      '  type: ExcuteCommand',
      '  command: make',
      '- type: Group',
      '  instructions:',
      '    - *shared',
      '    - type: MakeDirectory',
      '      directory: d',
      '      colour: blue',
    );
    expect(nodes[0]).toBe(nodes[1]!.children![0]);
    expect(lintInstructions(nodes).map((w) => `${w.pos?.line}: ${w.message}`)).toEqual([
      '2: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
      '9: MakeDirectory has no field "colour"',
    ]);
    expect(expandedInstructionCount(nodes)).toBe(4);
  });
});
