import { describe, expect, test } from 'vitest';
import { artifactMount, isSafeMount } from '../../../../runner/core/artifact-mount';

const dirs = {
  agentWorkingDir: '/w/agents/a1/work/wi-1',
  installRoot: '/w/agents/a1/work/wi-1/install-root',
};

describe('artifactMount', () => {
  test("Qt's way: InstallRoot/AgentWorkingDir is unpacked at the working directory", () => {
    expect(artifactMount(`${dirs.installRoot}${dirs.agentWorkingDir}`, dirs)).toBe('.');
  });
  test('InstallRoot/AgentWorkingDir/install belongs in install', () => {
    expect(artifactMount(`${dirs.installRoot}${dirs.agentWorkingDir}/install`, dirs)).toBe('install');
  });
  test('{{.InstallDir}} uploaded itself belongs in install', () => {
    expect(artifactMount(`${dirs.agentWorkingDir}/install`, dirs)).toBe('install');
  });
  test('a directory nested in the source tree keeps its place', () => {
    expect(artifactMount(`${dirs.agentWorkingDir}/qt/qtbase/build/docs`, dirs)).toBe('qt/qtbase/build/docs');
  });
  test('outside the work area, and InstallRoot pointing outside it, fall back to the working directory', () => {
    expect(artifactMount('/tmp/elsewhere', dirs)).toBe('.');
    expect(artifactMount(`${dirs.installRoot}/opt/qt`, dirs)).toBe('.');
    expect(artifactMount(dirs.installRoot, dirs)).toBe('.');
  });
  test('a sibling whose name starts like the working directory is not inside it', () => {
    expect(artifactMount(`${dirs.agentWorkingDir}-other/install`, dirs)).toBe('.');
  });
});

describe('isSafeMount', () => {
  test.each(['.', 'install', 'qt/qtbase/build', 'a.b_c+d-e'])('%s is safe', (mount) => {
    expect(isSafeMount(mount)).toBe(true);
  });
  test.each(['', '/abs', '..', 'a/../b', 'a//b', './a', 'a/.', 'a b', 'a\\b'])('%s is refused', (mount) => {
    expect(isSafeMount(mount)).toBe(false);
  });
});
