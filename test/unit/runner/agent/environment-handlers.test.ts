// Instructions that change the environment: set/prepend/append, variables parsed from a file
// with Python-style named groups, and the environment a sourced shell script leaves.
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { instruction, makeAgentWorkArea, shell, type AgentWorkArea } from './agent-work-area';

let area: AgentWorkArea | undefined;
afterEach(async () => {
  await area?.root.remove();
  area = undefined;
});

const setVar = (type: string, name: string, value: string) =>
  instruction(type, { variableName: name, variableValue: value });

describe('environment instructions', () => {
  test('set, prepend and append; values are templates; commands see the result', async () => {
    area = await makeAgentWorkArea();
    const result = await area.run(
      setVar('EnvironmentVariable', 'CTEST_ARGS', '-V'),
      setVar('AppendToEnvironmentVariable', 'CTEST_ARGS', ' --output-on-failure'),
      setVar('PrependToEnvironmentVariable', 'PATH', '{{.InstallDir}}/bin:'),
      setVar('EnvironmentVariable', 'DESTDIR', ''),
      shell('echo "[$CTEST_ARGS]"; echo "${PATH%%:*}"'),
    );
    expect(result.passed).toBe(true);
    expect(area.ctx.env.DESTDIR).toBe('');
    expect(area.lines).toContain('[-V --output-on-failure]');
    expect(area.lines).toContain(`${area.at('work', 'install')}/bin`);
  });

  test('ParseEnvironmentVariableFromFile: each named group becomes a variable', async () => {
    area = await makeAgentWorkArea();
    await writeFile(
      area.at('work', 'src', '.cmake.conf'),
      'set(QT_REPO_MODULE_VERSION "6.11.0")\nset(QT_REPO_MODULE_PRERELEASE_VERSION_SEGMENT "alpha1")\n',
    );
    await writeFile(area.at('work', 'src', 'imx8_env.txt'), 'IMX8_ID=7\nIMX8_IP=10.0.0.9\n');
    const result = await area.run(
      instruction('ParseEnvironmentVariableFromFile', {
        regex: 'QT_REPO_MODULE_VERSION "(?P<QT_REPO_MODULE_VERSION>.*)"',
        filename: '{{.SourceDir}}/.cmake.conf',
      }),
      instruction('ParseEnvironmentVariableFromFile', {
        regex: 'IMX8_ID=(?P<IMX8_ID>.*)\nIMX8_IP=(?P<IMX8_IP>.*)',
        filename: 'imx8_env.txt',
      }),
    );
    expect(result.passed).toBe(true);
    expect(area.ctx.env).toMatchObject({
      QT_REPO_MODULE_VERSION: '6.11.0',
      IMX8_ID: '7',
      IMX8_IP: '10.0.0.9',
    });
  });

  test('ParseEnvironmentVariableFromFile fails clearly: no match, no named group, no file', async () => {
    area = await makeAgentWorkArea();
    await writeFile(area.at('work', 'src', '.cmake.conf'), 'nothing here\n');
    const parse = (regex: string, filename = '.cmake.conf') =>
      area!.run(
        instruction(
          'ParseEnvironmentVariableFromFile',
          { regex, filename },
          { userMessageOnFailure: 'Failed to parse version information from .cmake.conf' },
        ),
      );
    const file = area.at('work', 'src', '.cmake.conf');
    expect((await parse('VERSION "(?P<V>.*)"')).failure?.message).toBe(
      `Failed to parse version information from .cmake.conf (regex "VERSION "(?P<V>.*)"" does not match anything in ${file})`,
    );
    expect((await parse('nothing')).failure?.message).toMatch(
      /has no named group \(\?P<NAME>\.\.\.\) to take a variable from/,
    );
    expect((await parse('(?P<V>x)', 'absent.conf')).failure?.message).toMatch(
      /cannot read .*absent\.conf: ENOENT/,
    );
  });

  test('SetEnvironmentFromScript imports what the sourced script exports, changes and unsets', async () => {
    area = await makeAgentWorkArea();
    await writeFile(
      area.at('work', 'src', 'emsdk_env.sh'),
      'echo "setting up for $1"\nexport EMSDK="$PWD/emsdk"\nexport PATH="$EMSDK/bin:$PATH"\nunset REMOVE_ME\nNOT_EXPORTED=1\n',
    );
    area.ctx.env.REMOVE_ME = 'x';
    const before = area.ctx.env.PATH;
    const result = await area.run(
      instruction('SetEnvironmentFromScript', { command: ['emsdk_env.sh', 'wasm'] }),
    );
    expect(result.passed).toBe(true);
    expect(area.lines).toContain('setting up for wasm');
    expect(area.ctx.env.EMSDK).toBe(area.at('work', 'src', 'emsdk'));
    expect(area.ctx.env.PATH).toBe(`${area.at('work', 'src', 'emsdk')}/bin:${before}`);
    expect(area.ctx.env).not.toHaveProperty('REMOVE_ME');
    expect(area.ctx.env).not.toHaveProperty('NOT_EXPORTED');
    expect(area.ctx.env).not.toHaveProperty('SHLVL');
    expect(area.lines).toContain('environment from emsdk_env.sh: -REMOVE_ME EMSDK PATH');
  });

  test('SetEnvironmentFromScript: a failing script, one that exits, and Windows batch files fail', async () => {
    area = await makeAgentWorkArea();
    await writeFile(area.at('work', 'src', 'fails.sh'), 'return 3\n');
    await writeFile(area.at('work', 'src', 'exits.sh'), 'exit 0\n');
    const run = (command: unknown) => area!.run(instruction('SetEnvironmentFromScript', { command }));
    expect((await run('./fails.sh')).failure?.message).toBe('command exited with code 3: ./fails.sh');
    expect((await run(['./exits.sh'])).failure?.message).toBe(
      './exits.sh ended the shell (exit) before its environment could be read',
    );
    expect((await run(['C:\\Utils\\emsdk\\emsdk_env.bat'])).failure).toMatchObject({
      kind: 'system',
      message: expect.stringContaining(
        'is a Windows batch file, which needs cmd.exe; this agent runs POSIX shell scripts only',
      ),
    });
  });
});
