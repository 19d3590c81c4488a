// Directory and file instructions on a real file system: modes as the real files write them,
// hidden contents, renames, file lists.
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { parseFileMode } from '../../../../runner/agent/handlers/files';
import { parseCoinYaml } from '../../../../runner/core/coin-files/coin-yaml';
import { instruction, makeAgentWorkArea, shell, type AgentWorkArea } from './agent-work-area';

let area: AgentWorkArea | undefined;
afterEach(async () => {
  await area?.root.remove();
  area = undefined;
});

const modeOf = async (file: string) => (await stat(file)).mode & 0o7777;

describe('parseFileMode', () => {
  test('decimal as the real files write it, octal where decimal cannot be meant', () => {
    expect(parseFileMode(493)).toBe(0o755);
    expect(parseFileMode(420)).toBe(0o644);
    expect(parseFileMode(755)).toBe(0o755); // cmake_setup_running_qnxqemu_tests_env_vars.yaml
    expect(parseFileMode('0o750')).toBe(0o750);
    expect(parseFileMode('0755')).toBe(0o755);
    expect(parseFileMode('493')).toBe(0o755);
    expect(parseFileMode(undefined)).toBe(0o644);
    expect(() => parseFileMode(999)).toThrow(/fileMode 999 is not a file mode/);
    expect(() => parseFileMode('rwx')).toThrow(/is not a file mode/);
  });
});

describe('file instructions', () => {
  test('fileMode 0400 as Coin files write it (YAML 1.1 octal) writes a file with mode 0400', async () => {
    area = await makeAgentWorkArea();
    const { fileMode: mode } = parseCoinYaml('f.yaml', 'fileMode: 0400\n') as { fileMode: number };
    const result = await area.run(
      instruction('WriteFile', { filename: 'key.pem', fileContents: 'k', fileMode: mode }),
      instruction('WriteFile', { filename: 'shared.txt', fileContents: 's', fileMode: 0o444 }),
    );
    expect(result.passed).toBe(true);
    expect(await modeOf(area.at('work', 'src', 'key.pem'))).toBe(0o400);
    expect(await modeOf(area.at('work', 'src', 'shared.txt'))).toBe(0o444);
  });

  test('WriteFile renders contents and sets the mode exactly, also on an existing file', async () => {
    area = await makeAgentWorkArea();
    const script = area.at('work', 'bin', 'run.sh');
    await mkdir(area.at('work', 'bin'));
    await writeFile(script, 'old', { mode: 0o600 });
    area.ctx.env.GREETING = 'hello';
    const result = await area.run(
      instruction('WriteFile', {
        filename: '{{.AgentWorkingDir}}/bin/run.sh',
        fileContents: '#!/bin/sh\necho {{.Env.GREETING}}\n',
        fileMode: 493,
      }),
      instruction('WriteFile', { filename: 'conf/settings.txt', fileContents: 'x', fileMode: 420 }),
      shell('{{.AgentWorkingDir}}/bin/run.sh > out.txt'),
    );
    expect(result.passed).toBe(true);
    expect(await readFile(script, 'utf8')).toBe('#!/bin/sh\necho hello\n');
    expect(await modeOf(script)).toBe(0o755);
    expect(await modeOf(area.at('work', 'src', 'conf', 'settings.txt'))).toBe(0o644);
    expect(await readFile(area.at('work', 'src', 'out.txt'), 'utf8')).toBe('hello\n');
  });

  test('hidden content is never in the log, not even when a later command prints the file', async () => {
    area = await makeAgentWorkArea();
    area.ctx.env.TOKEN = 's3cr3t-token-value';
    const result = await area.run(
      instruction('WriteFile', {
        filename: 'creds.sh',
        fileContents: 'export TOKEN={{.Env.TOKEN}}\nexport USER_NAME=ci-bot-account\n',
        hiddenContent: true,
      }),
      shell('cat creds.sh; echo done'),
    );
    expect(result.passed).toBe(true);
    const log = area.lines.join('\n');
    expect(log).not.toContain('s3cr3t-token-value');
    expect(log).not.toContain('ci-bot-account');
    expect(log).toMatch(/wrote .*creds\.sh \(\d+ bytes, mode 0644, content hidden\)/);
    expect(area.lines).toContain('***');
    expect(area.lines).toContain('done');
  });

  test('directories: MakeDirectory, SetBuildDirectory then ChangeDirectory {{.BuildDir}}, a missing one fails', async () => {
    area = await makeAgentWorkArea();
    const result = await area.run(
      instruction('MakeDirectory', { directory: '{{.SourceDir}}_standalone_tests/deep' }),
      instruction('SetBuildDirectory', { directory: '{{.SourceDir}}_standalone_tests' }),
      instruction('ChangeDirectory', { directory: '{{.BuildDir}}' }),
      shell('pwd'),
      instruction('ChangeDirectory', { directory: 'missing' }),
    );
    expect(area.lines).toContain(area.at('work', 'src_standalone_tests'));
    expect(result.failure?.message).toBe(
      `ChangeDirectory: ${area.at('work', 'src_standalone_tests', 'missing')} is not a directory`,
    );
  });

  test('Rename moves into a new directory; a missing source is named', async () => {
    area = await makeAgentWorkArea();
    await writeFile(area.at('work', 'src', 'ci_config_Linux.json'), '{}');
    area.ctx.env.TARGET_OS_COIN = 'Linux';
    const result = await area.run(
      instruction('Rename', {
        sourcePath: '{{.SourceDir}}/ci_config_{{.Env.TARGET_OS_COIN}}.json',
        targetPath: '{{.AgentWorkingDir}}/axivion/ci_config.json',
      }),
      instruction(
        'Rename',
        { sourcePath: 'gone.json', targetPath: 'x.json' },
        { userMessageOnFailure: 'Moving failed' },
      ),
    );
    expect(await readFile(area.at('work', 'axivion', 'ci_config.json'), 'utf8')).toBe('{}');
    expect(result.failure?.message).toMatch(
      /^Moving failed \(Rename .*gone\.json -> .*x\.json failed: .*gone\.json does not exist\)$/,
    );
  });

  test('CreateFileListFromDirectory writes relative, sorted paths; a missing directory lists nothing', async () => {
    area = await makeAgentWorkArea();
    await mkdir(area.at('work', 'build', 'doc', 'sub'), { recursive: true });
    for (const f of ['b.html', 'a.html', 'sub/z.css']) await writeFile(area.at('work', 'build', 'doc', f), f);
    const result = await area.run(
      instruction('ChangeDirectory', { directory: '{{.AgentWorkingDir}}' }),
      instruction('CreateFileListFromDirectory', {
        directory: 'build/doc',
        filterListFileName: 'doc_build_filter',
      }),
      instruction('CreateFileListFromDirectory', {
        directory: 'build/none',
        filterListFileName: 'lists/empty',
      }),
    );
    expect(result.passed).toBe(true);
    expect(await readFile(area.at('work', 'doc_build_filter'), 'utf8')).toBe('a.html\nb.html\nsub/z.css\n');
    expect(await readFile(area.at('work', 'lists', 'empty'), 'utf8')).toBe('');
  });
});
