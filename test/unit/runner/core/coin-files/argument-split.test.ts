import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { commandArgv, splitArguments } from '../../../../../runner/core/coin-files/argument-split';
import { renderTemplate, type TemplateData } from '../../../../../runner/core/coin-files/go-template';
import { CoinFileError } from '../../../../../runner/core/coin-files/source-pos';
import { qtCoinFixtures } from '../../../../helpers/qt-fixtures';

const qt = qtCoinFixtures();
const fixtures = qt.dir;

const linuxData: TemplateData = {
  SourceDir: '/home/qt/work/qt/qtbase',
  BuildDir: '/home/qt/work/qt/qtbase/build',
  InstallDir: '/home/qt/work/install',
  InstallRoot: '/home/qt/work',
  AgentWorkingDir: '/home/qt/work',
  NumCPU: 4,
  CoinDownloadURL: 'http://coin.local/coin/api/artifacts',
  Env: {
    ENV_PREFIX: '',
    TESTED_MODULE_COIN: 'qtbase',
    TESTED_MODULE_BRANCH_COIN: 'tqtc/6.8',
    COIN_CMAKE_ARGS: '-G Ninja -DCMAKE_OSX_ARCHITECTURES="x86_64;arm64" -DQT_BUILD_TESTS=ON',
    CONFIGURE_ARGS: '-release -device-option "DISTRO_OPTS=hard-float boot2qt"',
    COIN_SOURCE_SBOM_VERIFY_CMD: 'python3 verify_sbom.py --strict',
    COIN_QMAKE_LOCATION: '/home/qt/work/install/bin/qmake',
    COIN_EXAMPLES_SOURCE_LOCATION: '/home/qt/work/qt/qtbase/examples',
  },
};
const windowsData: TemplateData = {
  ...linuxData,
  InstallDir: 'C:\\Users\\qt\\work\\install',
  Env: { ...linuxData.Env, ENV_PREFIX: 'c:\\users\\qt\\prefix.bat', CI_PATH_SEP: '\\' },
};

const renderWith = (data: TemplateData) => (text: string) => renderTemplate(text, data);

describe('splitting a command line into words', () => {
  test('white space separates words; runs of it count once', () => {
    expect(splitArguments('  cmake\t--build  .\n --parallel \r\n-v ')).toEqual([
      'cmake',
      '--build',
      '.',
      '--parallel',
      '-v',
    ]);
    expect(splitArguments('')).toEqual([]);
    expect(splitArguments(' \t ')).toEqual([]);
  });

  test('double quotes group words and are removed, also in the middle of a word', () => {
    expect(splitArguments('-device-option "DISTRO_OPTS=hard-float boot2qt" -G "Ninja"')).toEqual([
      '-device-option',
      'DISTRO_OPTS=hard-float boot2qt',
      '-G',
      'Ninja',
    ]);
    expect(splitArguments('-DCMAKE_OSX_ARCHITECTURES="x86_64;arm64"')).toEqual([
      '-DCMAKE_OSX_ARCHITECTURES=x86_64;arm64',
    ]);
    expect(splitArguments('a"b c"d')).toEqual(['ab cd']);
  });

  test('single quotes group literally; each kind of quote is literal inside the other', () => {
    expect(splitArguments('sh -c \'echo "$HOME" \\n\'')).toEqual(['sh', '-c', 'echo "$HOME" \\n']);
    expect(splitArguments('echo "it\'s"')).toEqual(['echo', "it's"]);
    expect(splitArguments("a'b c'd")).toEqual(['ab cd']);
  });

  test('empty quotes make an empty argument', () => {
    expect(splitArguments('a "" \'\' b')).toEqual(['a', '', '', 'b']);
  });

  test('backslashes stay literal in Windows paths', () => {
    expect(splitArguments('c:\\users\\qt\\prefix.bat C:\\work\\install\\host\\bin\\qt-cmake')).toEqual([
      'c:\\users\\qt\\prefix.bat',
      'C:\\work\\install\\host\\bin\\qt-cmake',
    ]);
    expect(splitArguments('\\\\server\\share\\x')).toEqual(['\\\\server\\share\\x']);
    expect(splitArguments('-DCMAKE_TOOLCHAIN_FILE=C:\\qnx710\\qnx-toolchain-aarch64le.cmake')).toEqual([
      '-DCMAKE_TOOLCHAIN_FILE=C:\\qnx710\\qnx-toolchain-aarch64le.cmake',
    ]);
  });

  test('a backslash before a double quote escapes it; an even run ends with a real quote', () => {
    expect(splitArguments('say \\"hi\\"')).toEqual(['say', '"hi"']);
    expect(splitArguments('"C:\\Program Files\\\\" next')).toEqual(['C:\\Program Files\\', 'next']);
    expect(splitArguments('"a \\\\\\" b"')).toEqual(['a \\" b']);
    expect(splitArguments('"in \\"quotes\\" here"')).toEqual(['in "quotes" here']);
  });

  test('an unterminated quote is an error', () => {
    expect(() => splitArguments('echo "abc')).toThrow(
      new CoinFileError(undefined, 'unterminated double quote in command: echo "abc'),
    );
    expect(() => splitArguments("echo it's", { file: 'x.yaml', line: 4, column: 14 })).toThrow(
      "x.yaml:4:14: unterminated single quote in command: echo it's",
    );
  });
});

describe('SplitAfterVariableSubstitution: render the whole string, then split', () => {
  test('a variable holding several arguments becomes several arguments (call_host_cmake.yaml)', () => {
    const command = '{{.InstallDir}}/host/bin/qt-cmake {{.Env.COIN_CMAKE_ARGS}}';
    expect(commandArgv(command, 'SplitAfterVariableSubstitution', renderWith(linuxData))).toEqual([
      '/home/qt/work/install/host/bin/qt-cmake',
      '-G',
      'Ninja',
      '-DCMAKE_OSX_ARCHITECTURES=x86_64;arm64',
      '-DQT_BUILD_TESTS=ON',
    ]);
  });

  test('an empty prefix disappears, a Windows prefix and path stay whole', () => {
    const command = '{{.Env.ENV_PREFIX}} {{.InstallDir}}\\host\\bin\\qt-cmake {{.Env.CONFIGURE_ARGS}}';
    expect(commandArgv(command, 'SplitAfterVariableSubstitution', renderWith(linuxData))).toEqual([
      '/home/qt/work/install\\host\\bin\\qt-cmake',
      '-release',
      '-device-option',
      'DISTRO_OPTS=hard-float boot2qt',
    ]);
    expect(commandArgv(command, 'SplitAfterVariableSubstitution', renderWith(windowsData))).toEqual([
      'c:\\users\\qt\\prefix.bat',
      'C:\\Users\\qt\\work\\install\\host\\bin\\qt-cmake',
      '-release',
      '-device-option',
      'DISTRO_OPTS=hard-float boot2qt',
    ]);
  });

  test('a quote left open by a variable is reported with the rendered command', () => {
    const render = renderWith({ ...linuxData, Env: { ARGS: '-DX="1' } });
    expect(() =>
      commandArgv('cmake {{.Env.ARGS}}', 'SplitAfterVariableSubstitution', render, {
        file: 'c.yaml',
        line: 3,
        column: 14,
      }),
    ).toThrow('c.yaml:3:14: unterminated double quote in command: cmake -DX="1');
  });
});

describe('the default: split the command text, then render each word on its own', () => {
  test('a rendered value is one argument whatever it holds (call_cmake.yaml has no splitting field)', () => {
    const command = '{{.InstallDir}}/bin/qt-cmake {{.Env.COIN_CMAKE_ARGS}}';
    expect(commandArgv(command, undefined, renderWith(linuxData))).toEqual([
      '/home/qt/work/install/bin/qt-cmake',
      '-G Ninja -DCMAKE_OSX_ARCHITECTURES="x86_64;arm64" -DQT_BUILD_TESTS=ON',
    ]);
  });

  test('an unquoted word that renders empty is dropped (coin_qt_build_docs.yaml on Linux)', () => {
    const command = '{{.Env.ENV_PREFIX}} cmake --build . --target docs -v';
    expect(commandArgv(command, undefined, renderWith(linuxData))).toEqual([
      'cmake',
      '--build',
      '.',
      '--target',
      'docs',
      '-v',
    ]);
    expect(commandArgv(command, undefined, renderWith(windowsData))).toEqual([
      'c:\\users\\qt\\prefix.bat',
      'cmake',
      '--build',
      '.',
      '--target',
      'docs',
      '-v',
    ]);
  });

  test('a quoted word that renders empty stays an empty argument', () => {
    expect(commandArgv('tool "{{.Env.ENV_PREFIX}}" \'\'', undefined, renderWith(linuxData))).toEqual([
      'tool',
      '',
      '',
    ]);
  });

  test('actions are never split, even with spaces or quotes inside', () => {
    expect(
      commandArgv(
        'git checkout {{ slice .Env.TESTED_MODULE_BRANCH_COIN 5 }}',
        undefined,
        renderWith(linuxData),
      ),
    ).toEqual(['git', 'checkout', '6.8']);
    const data = { ...linuxData, Env: { 'A B': 'x y' } };
    expect(commandArgv('echo pre{{index .Env "A B"}}post', undefined, renderWith(data))).toEqual([
      'echo',
      'prex ypost',
    ]);
    const braces = { ...linuxData, Env: { '}} x': 'y' } };
    expect(commandArgv('echo {{index .Env "}} x"}} z', undefined, renderWith(braces))).toEqual([
      'echo',
      'y',
      'z',
    ]);
  });

  test('quotes in the command text group words around actions; backslashes stay in paths', () => {
    expect(
      commandArgv('cp "{{.SourceDir}}/my file" {{.InstallDir}}\\bin', undefined, renderWith(windowsData)),
    ).toEqual(['cp', '/home/qt/work/qt/qtbase/my file', 'C:\\Users\\qt\\work\\install\\bin']);
  });

  test('render sees each word separately', () => {
    const seen: string[] = [];
    commandArgv('{{.Env.ENV_PREFIX}} mv a-{{.Env.X}}-b.tar.gz "c d"', undefined, (s) => {
      seen.push(s);
      return s;
    });
    expect(seen).toEqual(['{{.Env.ENV_PREFIX}}', 'mv', 'a-{{.Env.X}}-b.tar.gz', 'c d']);
  });

  test('an unterminated quote in the command text is an error', () => {
    expect(() =>
      commandArgv('echo "{{.SourceDir}}', undefined, renderWith(linuxData), {
        file: 'c.yaml',
        line: 2,
        column: 14,
      }),
    ).toThrow('c.yaml:2:14: unterminated double quote in command: echo "{{.SourceDir}}');
  });
});

describe('a command given as a list is an argv already', () => {
  test('each element is rendered and never split, whatever the splitting field says', () => {
    const command = [
      'git',
      'clone',
      '--jobs={{.NumCPU}}',
      '-n',
      '--depth=50',
      'git://{{.Env.TESTED_MODULE_COIN}} x',
      '.',
    ];
    const expected = ['git', 'clone', '--jobs=4', '-n', '--depth=50', 'git://qtbase x', '.'];
    expect(commandArgv(command, undefined, renderWith(linuxData))).toEqual(expected);
    expect(commandArgv(command, 'SplitAfterVariableSubstitution', renderWith(linuxData))).toEqual(expected);
  });

  test('empty elements are kept', () => {
    expect(commandArgv(['{{.Env.ENV_PREFIX}}', 'cmake'], undefined, renderWith(linuxData))).toEqual([
      '',
      'cmake',
    ]);
  });
});

/** Every ExecuteCommand `command` in the fixtures, with its splitting field. */
function fixtureCommands(): { file: string; command: string | string[]; splitting: unknown }[] {
  const files = (readdirSync(fixtures, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml'));
  const found: { file: string; command: string | string[]; splitting: unknown }[] = [];
  const walk = (file: string, value: unknown): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(file, v));
    if (!value || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (node.type === 'ExecuteCommand' && node.command !== undefined) {
      found.push({
        file,
        command: node.command as string | string[],
        splitting: node.executeCommandArgumentSplitingBehavior,
      });
    }
    Object.values(node).forEach((v) => walk(file, v));
  };
  for (const file of files) walk(file, parseDocument(readFileSync(path.join(fixtures, file), 'utf8')).toJS());
  return found;
}

describe.skipIf(!qt.found)('every ExecuteCommand in the real Qt Coin files', () => {
  // Collected even when skipped: read the files only where they are.
  const commands = qt.found ? fixtureCommands() : [];

  test('there are string and list commands, with and without the splitting field', () => {
    expect(commands.length).toBeGreaterThan(140);
    expect(
      commands.filter((c) => typeof c.command === 'string' && c.splitting === undefined).length,
    ).toBeGreaterThan(40);
    expect(commands.filter((c) => c.splitting === 'SplitAfterVariableSubstitution').length).toBeGreaterThan(
      30,
    );
    expect(new Set(commands.map((c) => c.splitting))).toEqual(
      new Set([undefined, 'SplitAfterVariableSubstitution']),
    );
  });

  test.each([
    ['Linux', linuxData],
    ['Windows', windowsData],
  ])('each gives a non-empty argv starting with a program on %s', (_name, data) => {
    const failures: string[] = [];
    for (const { file, command, splitting } of commands) {
      try {
        const argv = commandArgv(
          command,
          splitting as 'SplitAfterVariableSubstitution' | undefined,
          renderWith(data),
        );
        if (argv.length === 0 || argv[0] === '')
          failures.push(`${file}: ${JSON.stringify(command)} -> ${JSON.stringify(argv)}`);
      } catch (error) {
        failures.push(`${file}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
