// Uploads and installs through a real-tar local channel: filter lists, named artifacts, test
// archives and source archives.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { instruction, makeAgentWorkArea, shell, type AgentWorkArea } from './agent-work-area';

let area: AgentWorkArea | undefined;
afterEach(async () => {
  await area?.root.remove();
  area = undefined;
});

describe('artifact instructions', () => {
  test('UploadArtifact with a filter list leaves out the files that were there before', async () => {
    area = await makeAgentWorkArea();
    await mkdir(area.at('work', 'build', 'doc'), { recursive: true });
    await writeFile(area.at('work', 'build', 'doc', 'qtcore.index'), 'dependency doc');
    const result = await area.run(
      instruction('ChangeDirectory', { directory: '{{.BuildDir}}' }),
      instruction('CreateFileListFromDirectory', {
        directory: '{{.BuildDir}}/doc',
        filterListFileName: 'doc_build_filter',
      }),
      shell('mkdir -p doc/qtsvg && echo built > doc/qtsvg/index.html'),
      instruction('ChangeDirectory', { directory: '{{.SourceDir}}' }),
      instruction('UploadArtifact', {
        archiveDirectory: '{{.BuildDir}}/doc',
        transferType: 'UploadModuleDocumentation',
        filterListFileName: 'doc_build_filter',
      }),
    );
    expect(result.passed).toBe(true);
    const [doc] = area.channel.ofType('UploadModuleDocumentation');
    expect(await area.channel.contents(doc!.key)).toEqual(['qtsvg/index.html']);
    expect(area.ctx.uploaded).toEqual([doc!.key]);
  });

  test('a named artifact is installed by regex; a regex that matches nothing fails', async () => {
    area = await makeAgentWorkArea();
    area.ctx.env.TESTED_MODULE_COIN = 'qtbase';
    await mkdir(area.at('work', 'cmake', 'bin'), { recursive: true });
    await writeFile(area.at('work', 'cmake', 'bin', 'cmake'), '#!/bin/sh\n');
    const result = await area.run(
      instruction('UploadArtifact', {
        archiveDirectory: '{{.AgentWorkingDir}}/cmake',
        transferType: 'GenericArtifactWithName',
        filename: 'custom_cmake_{{.Env.TESTED_MODULE_COIN}}.tar.gz',
      }),
      instruction('EnvironmentVariable', {
        variableName: 'QT_CI_CUSTOM_CMAKE_ARCHIVE_NAME',
        variableValue: 'custom_cmake_qtbase.tar.gz',
      }),
      instruction('InstallBinaryArchive', {
        directory: '{{.AgentWorkingDir}}/installed',
        regex: '{{.Env.QT_CI_CUSTOM_CMAKE_ARCHIVE_NAME}}',
      }),
    );
    expect(result.passed).toBe(true);
    expect(existsSync(area.at('work', 'installed', 'bin', 'cmake'))).toBe(true);
    const missing = await area.run(
      instruction('InstallBinaryArchive', { directory: 'x', regex: 'doc_tools_(?P<m>.*)' }),
    );
    expect(missing.failure?.message).toBe(
      'InstallBinaryArchive: no artifact matches regex "doc_tools_(?<m>.*)"',
    );
  });

  test('InstallTestBinaryArchive installs what UploadTestArtifact uploaded, and fails when there is none', async () => {
    area = await makeAgentWorkArea();
    const install = instruction('InstallTestBinaryArchive', {
      relativeStoragePath: '{{.Env.MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH}}/tests.tar.gz',
      directory: '{{.SourceDir}}_standalone_tests',
    });
    area.ctx.env.MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH = 'qt/qtsvg/abc/linux';
    const none = await area.run(install);
    expect(none.failure?.message).toBe(
      'InstallTestBinaryArchive: no test artifact (qt/qtsvg/abc/linux/tests.tar.gz) to install; the build uploads it with UploadTestArtifact',
    );
    await mkdir(area.at('work', 'build', 'tests'), { recursive: true });
    await writeFile(area.at('work', 'build', 'tests', 'tst_x'), 'binary');
    const result = await area.run(
      instruction('UploadTestArtifact', {
        transferType: 'UploadModuleTestsArtifact',
        archiveDirectory: '{{.BuildDir}}',
      }),
      install,
    );
    expect(result.passed).toBe(true);
    expect(await readFile(area.at('work', 'src_standalone_tests', 'tests', 'tst_x'), 'utf8')).toBe('binary');
    const nothing = await area.run(
      instruction('UploadArtifact', { archiveDirectory: 'nope', transferType: 'UploadModuleBuildArtifact' }),
    );
    expect(nothing.failure?.message).toMatch(
      /^UploadArtifact has nothing to upload: .*nope is not a directory$/,
    );
  });

  test('InstallSourceArchive unpacks a project at a ref under the agent working directory', async () => {
    const qtqa = await makeAgentWorkArea();
    await mkdir(qtqa.at('qtqa', 'tests', 'postbuild', 'bic'), { recursive: true });
    await writeFile(qtqa.at('qtqa', 'tests', 'postbuild', 'bic', 'bic.pro'), 'TEMPLATE = app');
    try {
      area = await makeAgentWorkArea({ 'qt/qtqa@dev': qtqa.at('qtqa') });
      const result = await area.run(
        instruction('InstallSourceArchive', { project: 'qt/qtqa', ref: 'dev', directory: 'qt/qtqa' }),
        instruction('ChangeDirectory', { directory: '{{.AgentWorkingDir}}/qt/qtqa/tests/postbuild/bic' }),
        instruction(
          'InstallSourceArchive',
          { project: 'qt/qtqa', ref: 'v1' },
          { userMessageOnFailure: 'Could not install qt/qtqa source archive.' },
        ),
      );
      expect(area.ctx.cwd).toBe(area.at('work', 'qt', 'qtqa', 'tests', 'postbuild', 'bic'));
      expect(result.failure?.message).toBe(
        "Could not install qt/qtqa source archive. (InstallSourceArchive needs a 'directory' field)",
      );
      const noChannel = await area.run(
        instruction('InstallSourceArchive', { project: 'qt/qtqa', ref: 'v1', directory: 'v1' }),
      );
      expect(noChannel.failure?.message).toBe('no source archive of qt/qtqa at v1');
    } finally {
      await qtqa.root.remove();
    }
  });
});
