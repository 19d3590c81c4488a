import { describe, expect, test } from 'vitest';
import {
  checkInstructionFields,
  editDistance,
  instructionCatalogue,
  instructionSpec,
  nearestName,
  unknownTypeMessage,
} from '../../../../../runner/core/coin-files/instruction-catalogue';

describe('the instruction catalogue', () => {
  test('holds every instruction type of the reference', () => {
    expect([...instructionCatalogue.keys()].sort()).toEqual(
      [
        'ExecuteCommand',
        'EnvironmentVariable',
        'PrependToEnvironmentVariable',
        'AppendToEnvironmentVariable',
        'Group',
        'ChangeDirectory',
        'MakeDirectory',
        'SetBuildDirectory',
        'WriteFile',
        'UploadArtifact',
        'UploadTestArtifact',
        'InstallTestBinaryArchive',
        'InstallBinaryArchive',
        'InstallSourceArchive',
        'RunQtUnitTest',
        'ScheduleUploadTestResults',
        'SignPackage',
        'Rename',
        'ParseEnvironmentVariableFromFile',
        'SetEnvironmentFromScript',
        'CreateFileListFromDirectory',
        'UpdateRepo',
      ].sort(),
    );
  });

  test('knows the real (misspelt) argument splitting field of ExecuteCommand', () => {
    const spec = instructionSpec('ExecuteCommand')!;
    const fields = {
      type: 'ExecuteCommand',
      command: 'make',
      executeCommandArgumentSplitingBehavior: 'SplitAfterVariableSubstitution',
      maxTimeInSeconds: 60,
      comand: 'typo',
    };
    expect(checkInstructionFields(spec, fields)).toEqual({ unknown: ['comand'], missing: [] });
    expect(checkInstructionFields(spec, { type: 'ExecuteCommand' })).toEqual({
      unknown: [],
      missing: ['command'],
    });
  });

  test('edit distance and the nearest name', () => {
    expect(editDistance('ExcuteCommand', 'ExecuteCommand')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(nearestName('ExcuteCommand', instructionCatalogue.keys())).toBe('ExecuteCommand');
    expect(nearestName('environmentvariable', instructionCatalogue.keys())).toBe('EnvironmentVariable');
    expect(nearestName('Frobnicate', instructionCatalogue.keys())).toBeUndefined();
  });

  test('unknown types get a suggestion when one is close', () => {
    expect(unknownTypeMessage('ExcuteCommand')).toBe(
      'unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
    );
    expect(unknownTypeMessage('Frobnicate')).toMatch(
      /^unknown instruction type "Frobnicate" \(known types: ExecuteCommand, /,
    );
  });
});
