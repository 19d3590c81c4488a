import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import {
  parseTemplate,
  renderTemplate,
  type TemplateData,
} from '../../../../../runner/core/coin-files/go-template';
import { CoinFileError, type SourcePos } from '../../../../../runner/core/coin-files/source-pos';
import { qtCoinFixtures } from '../../../../helpers/qt-fixtures';

const qt = qtCoinFixtures();
const fixtures = qt.dir;
const at: SourcePos = { file: 'coin/instructions/x.yaml', line: 7, column: 18 };

const data: TemplateData = {
  SourceDir: '/home/qt/work/qt/qtbase',
  BuildDir: '/home/qt/work/qt/qtbase_build',
  InstallDir: 'C:\\Users\\qt\\work\\install',
  InstallRoot: '/home/qt/work',
  AgentWorkingDir: '/home/qt/work',
  NumCPU: 8,
  CoinDownloadURL: 'http://coin.local/coin/api/artifacts',
  Env: {
    TESTED_MODULE_COIN: 'qtbase',
    TESTED_MODULE_BRANCH_COIN: 'tqtc/6.8',
    CMAKE_ARGS: '-G Ninja',
    COMMON_CMAKE_ARGS: '-DQT_BUILD_TESTS=ON',
    'QT_CI_ARTIFACT_ID_PATH_Android-x86': 'ANDROID_X86_DIR',
    ANDROID_X86_DIR: '/opt/artifacts/android-x86',
    QT_COIN_GIT_DAEMON: 'git.local:9418',
    EMPTY: '',
  },
};

function render(text: string, with_: Partial<TemplateData> = {}): string {
  return renderTemplate(text, { ...data, ...with_ }, at);
}

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CoinFileError);
    return (error as CoinFileError).message;
  }
  throw new Error('expected a CoinFileError');
}

describe('the template subset the real Qt files use', () => {
  test('every directory field, the CPU count and the download URL render from the data', () => {
    expect(render('{{.SourceDir}}|{{.BuildDir}}|{{.InstallRoot}}|{{.AgentWorkingDir}}')).toBe(
      '/home/qt/work/qt/qtbase|/home/qt/work/qt/qtbase_build|/home/qt/work|/home/qt/work',
    );
    expect(render('{{.InstallDir}}')).toBe('C:\\Users\\qt\\work\\install');
    expect(render('--jobs={{.NumCPU}}')).toBe('--jobs=8');
    expect(render('wget -q {{.CoinDownloadURL}}/{{.Env.MODULE_SOURCES_RELATIVE_STORAGE_PATH}}')).toBe(
      'wget -q http://coin.local/coin/api/artifacts/',
    );
  });

  test('.Env.NAME reads the environment; a missing or empty variable renders empty', () => {
    expect(render('{{.Env.CMAKE_ARGS}} {{.Env.COMMON_CMAKE_ARGS}}')).toBe('-G Ninja -DQT_BUILD_TESTS=ON');
    expect(render('[{{.Env.NOT_SET}}][{{.Env.EMPTY}}]')).toBe('[][]');
    expect(render('{{.Env.toString}}{{.Env.constructor}}')).toBe('');
  });

  test('spaces inside the braces are allowed', () => {
    expect(render('-b {{ .Env.TESTED_MODULE_BRANCH_COIN }}')).toBe('-b tqtc/6.8');
  });

  test('ToUpper, as used to build per-module variable names', () => {
    expect(render(' ${{ToUpper .Env.TESTED_MODULE_COIN}}_EXAMPLES_CMAKE_ARGS')).toBe(
      ' $QTBASE_EXAMPLES_CMAKE_ARGS',
    );
  });

  test('unixPathSeparators turns Windows separators into forward slashes', () => {
    expect(
      render(
        '{{.Env.CMAKE_ARGS}} {{.Env.COMMON_CMAKE_ARGS}} -DCMAKE_INSTALL_PREFIX:PATH={{unixPathSeparators .InstallDir}}',
      ),
    ).toBe('-G Ninja -DQT_BUILD_TESTS=ON -DCMAKE_INSTALL_PREFIX:PATH=C:/Users/qt/work/install');
  });

  test('slice with one index drops a prefix, with two takes a range', () => {
    expect(render('{{ slice .Env.TESTED_MODULE_BRANCH_COIN 5 }}')).toBe('6.8');
    expect(render('{{slice .Env.TESTED_MODULE_BRANCH_COIN 0 4}}')).toBe('tqtc');
    expect(render('{{slice .Env.TESTED_MODULE_BRANCH_COIN 8}}')).toBe('');
  });

  test('a variable assigned from index .Env "NAME" is used by a later action (prepare_android_multi_abi_env)', () => {
    const text =
      ' -DQT_PATH_ANDROID_ABI_x86={{$android_artifact_path:=index .Env "QT_CI_ARTIFACT_ID_PATH_Android-x86"}}' +
      '{{index .Env $android_artifact_path}}/install/target';
    expect(render(text)).toBe(' -DQT_PATH_ANDROID_ABI_x86=/opt/artifacts/android-x86/install/target');
    expect(render('{{index .Env "NOT_SET"}}|{{$v := index .Env "NOT_SET"}}{{index .Env $v}}')).toBe('|');
  });

  test('a variable may be declared again, re-assigned with =, and hold a number', () => {
    expect(
      render('{{$a := .Env.TESTED_MODULE_COIN}}{{$a}} {{$a = ToUpper $a}}{{$a}} {{$a := .NumCPU}}{{$a}}'),
    ).toBe('qtbase QTBASE 8');
  });

  test('re-declared variables keep their own values', () => {
    expect(render('{{$a := "1"}}{{$a := "2"}}{{$b := "3"}}{{$a}}{{$b}}')).toBe('23');
  });

  test('pipelines pass the value on as the last argument', () => {
    expect(render('{{.Env.TESTED_MODULE_COIN | ToUpper}}')).toBe('QTBASE');
    expect(render('{{"a\\\\b" | unixPathSeparators | ToUpper}}')).toBe('A/B');
  });

  test('trim markers remove the white space next to the action', () => {
    expect(render('a  {{- .Env.TESTED_MODULE_COIN -}}  \n b')).toBe('aqtbaseb');
    expect(render('a {{- .Env.TESTED_MODULE_COIN}} b')).toBe('aqtbase b');
    expect(render('{{slice .Env.TESTED_MODULE_BRANCH_COIN -0}}')).toBe('tqtc/6.8');
  });

  test('string literals: escapes in "..." and raw `...`; "}}" inside a literal does not end the action', () => {
    expect(render('{{"a\\"b\\tc\\n"}}')).toBe('a"b\tc\n');
    expect(render('{{`C:\\raw\\path`}}')).toBe('C:\\raw\\path');
    expect(render('{{index .Env "}}"}}!')).toBe('!');
  });

  test('text without actions, and stray braces, are left alone', () => {
    expect(render('plain text with } and }} and {')).toBe('plain text with } and }} and {');
    expect(render('')).toBe('');
  });
});

describe('parse once, render many', () => {
  test('a compiled template renders against different data', () => {
    const compiled = parseTemplate('{{.Env.TESTED_MODULE_COIN}} on {{.NumCPU}} cores', at);
    expect(compiled.isStatic).toBe(false);
    expect(compiled.source).toBe('{{.Env.TESTED_MODULE_COIN}} on {{.NumCPU}} cores');
    expect(compiled.render(data)).toBe('qtbase on 8 cores');
    expect(compiled.render({ NumCPU: 2, Env: { TESTED_MODULE_COIN: 'qtsvg' } })).toBe('qtsvg on 2 cores');
  });

  test('variables do not leak from one render to the next', () => {
    const compiled = parseTemplate('{{$m := .Env.M}}{{$m}}');
    expect(compiled.render({ Env: { M: 'one' } })).toBe('one');
    expect(compiled.render({ Env: {} })).toBe('');
  });

  test('a text without actions is static', () => {
    expect(parseTemplate('cmake --build .').isStatic).toBe(true);
    expect(parseTemplate('cmake --build .').render({ Env: {} })).toBe('cmake --build .');
  });

  test('only the environment is needed for a template that reads only the environment', () => {
    expect(
      renderTemplate('{{ToUpper .Env.TESTED_MODULE_COIN}}_TARGET_CMAKE_ARGS', {
        Env: { TESTED_MODULE_COIN: 'qtsvg' },
      }),
    ).toBe('QTSVG_TARGET_CMAKE_ARGS');
  });
});

describe('constructs outside the subset are errors naming the construct and the place', () => {
  const cases: [string, string][] = [
    ['{{range .Env}}x{{end}}', "unsupported template action 'range' in {{range .Env}}"],
    ['{{if .Env.X}}y{{end}}', "unsupported template action 'if' in {{if .Env.X}}"],
    ['{{with .Env.X}}{{.}}{{end}}', "unsupported template action 'with' in {{with .Env.X}}"],
    ['{{template "t"}}', 'unsupported template action \'template\' in {{template "t"}}'],
    ['{{/* note */}}', 'unsupported template comment {{/* note */}}'],
    ['{{- /* note */ -}}', 'unsupported template comment {{- /* note */ -}}'],
    ['{{qt/qtbase}}/x.yaml', '{{qt/qtbase}} is an !include path, not a template'],
    [
      '{{toLower .Config host.arch}}',
      "unsupported template function 'toLower' in {{toLower .Config host.arch}} (supported: ToUpper, index, slice, unixPathSeparators)",
    ],
    [
      '{{printf "%s" .Env.X}}',
      'unsupported template function \'printf\' in {{printf "%s" .Env.X}} (supported: ToUpper, index, slice, unixPathSeparators)',
    ],
    ['{{true}}', "unsupported template constant 'true' in {{true}}"],
    [
      '{{.Config}}',
      'unknown template field .Config in {{.Config}} (known: .SourceDir, .BuildDir, .InstallDir, .InstallRoot, .AgentWorkingDir, .CoinDownloadURL, .NumCPU, .Env)',
    ],
    [
      '{{.sourceDir}}',
      'unknown template field .sourceDir in {{.sourceDir}} (known: .SourceDir, .BuildDir, .InstallDir, .InstallRoot, .AgentWorkingDir, .CoinDownloadURL, .NumCPU, .Env)',
    ],
    ['{{.Env.A.B}}', '.Env.A.B in {{.Env.A.B}}: an environment value has no fields'],
    ['{{.SourceDir.Path}}', '.SourceDir.Path in {{.SourceDir.Path}}: .SourceDir has no field .Path'],
    ['{{.Env}}', 'cannot print the map .Env in {{.Env}}; use .Env.NAME or index .Env "NAME"'],
    ['{{.}}', "unsupported template syntax '.' in {{.}}"],
    ['{{$x}}', 'undefined variable $x in {{$x}}'],
    ['{{$x = .Env.A}}', 'undefined variable $x in {{$x = .Env.A}}'],
    ['{{$x := $x}}', 'undefined variable $x in {{$x := $x}}'],
    ['{{$}}', 'unsupported template variable $ (the root data) in {{$}}'],
    ['{{$v := .Env}}{{$v.A}}', 'unsupported template field access on variable $v in {{$v.A}}'],
    ['{{(ToUpper .Env.A)}}', "unsupported template parenthesized pipeline '(' in {{(ToUpper .Env.A)}}"],
    ['{{ToUpper (.Env.A)}}', "unsupported template parenthesized pipeline '(' in {{ToUpper (.Env.A)}}"],
    ['{{ToUpper}}', 'wrong arguments for ToUpper in {{ToUpper}}: expected string, got none'],
    [
      '{{ToUpper .NumCPU}}',
      'wrong arguments for ToUpper in {{ToUpper .NumCPU}}: expected string, got number',
    ],
    [
      '{{slice .Env.A "1"}}',
      'wrong arguments for slice in {{slice .Env.A "1"}}: expected string number [number], got string string',
    ],
    [
      '{{slice .Env.A 1 2 3}}',
      'wrong arguments for slice in {{slice .Env.A 1 2 3}}: expected string number [number], got string number number number',
    ],
    [
      '{{index .SourceDir "A"}}',
      'wrong arguments for index in {{index .SourceDir "A"}}: expected env string, got string string',
    ],
    [
      '{{index .Env "A" "B"}}',
      'wrong arguments for index in {{index .Env "A" "B"}}: expected env string, got env string string',
    ],
    ['{{slice .Env.A 1.5}}', "unsupported number '1.5' in {{slice .Env.A 1.5}} (only decimal integers)"],
    ['{{slice .Env.A 0x10}}', "unsupported number '0x10' in {{slice .Env.A 0x10}} (only decimal integers)"],
    ['{{"a\\qb"}}', 'unsupported escape \\q in a string literal in {{"a\\qb"}}'],
    ['{{.Env.A .Env.B}}', "can't give argument to non-function .Env.A in {{.Env.A .Env.B}}"],
    ['{{.Env.A | .Env.B}}', "can't give argument to non-function .Env.B in {{.Env.A | .Env.B}}"],
    ['{{.Env.A | }}', 'missing command in pipeline {{.Env.A | }}'],
    [
      '{{ToUpper ToUpper}}',
      'function ToUpper used as an argument in {{ToUpper ToUpper}} (parenthesized calls are not supported)',
    ],
    ['{{}}', 'empty template action {{}}'],
    ['{{  }}', 'empty template action {{  }}'],
    ['a {{.Env.X', 'unclosed template action {{.Env.X'],
    ['{{index .Env "X}}', 'unclosed template action {{index .Env "X}}'],
  ];
  test.each(cases)('%s', (text, problem) => {
    expect(problemOf(() => parseTemplate(text, at))).toBe(`coin/instructions/x.yaml:7:18: ${problem}`);
  });

  test('the same bad text is reported at each place it is used', () => {
    const other: SourcePos = { file: 'y.yaml', line: 2, column: 3 };
    expect(problemOf(() => renderTemplate('{{range .Env}}', data, at))).toMatch(
      /^coin\/instructions\/x\.yaml:7:18: /,
    );
    expect(problemOf(() => renderTemplate('{{range .Env}}', data, other))).toMatch(/^y\.yaml:2:3: /);
  });

  test('a field without a value in the data is an error when rendered, not an empty string', () => {
    const compiled = parseTemplate('{{.SourceDir}}/x', at);
    expect(problemOf(() => compiled.render({ Env: {} }))).toBe(
      'coin/instructions/x.yaml:7:18: template field .SourceDir has no value here, in {{.SourceDir}}',
    );
  });

  test('slice out of range is an error when rendered, as in Go', () => {
    expect(problemOf(() => render('{{ slice .Env.TESTED_MODULE_COIN 9 }}'))).toBe(
      'coin/instructions/x.yaml:7:18: slice 9 is out of range for "qtbase" (length 6) in {{ slice .Env.TESTED_MODULE_COIN 9 }}',
    );
    expect(problemOf(() => render('{{slice .Env.TESTED_MODULE_COIN 3 2}}'))).toBe(
      'coin/instructions/x.yaml:7:18: slice 3 2 is out of range for "qtbase" (length 6) in {{slice .Env.TESTED_MODULE_COIN 3 2}}',
    );
    expect(problemOf(() => render('{{slice .Env.TESTED_MODULE_COIN -1}}'))).toMatch(
      /slice -1 is out of range/,
    );
  });

  test('without a position the error has none', () => {
    expect(problemOf(() => renderTemplate('{{range .Env}}', data))).toBe(
      "unsupported template action 'range' in {{range .Env}}",
    );
  });
});

/** Every string value holding `{{` in every fixture YAML file, with where it came from. */
function fixtureTemplates(): { file: string; text: string }[] {
  const files = (readdirSync(fixtures, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml'));
  const found: { file: string; text: string }[] = [];
  const walk = (file: string, value: unknown): void => {
    if (typeof value === 'string' && value.includes('{{')) found.push({ file, text: value });
    else if (Array.isArray(value)) value.forEach((v) => walk(file, v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => walk(file, v));
  };
  for (const file of files) {
    const doc = parseDocument(readFileSync(path.join(fixtures, file), 'utf8'));
    expect(doc.errors, file).toEqual([]);
    walk(file, doc.toJS());
  }
  return found;
}

describe.skipIf(!qt.found)('every template in the real Qt Coin files', () => {
  // Collected even when skipped: read the files only where they are.
  const all = qt.found ? fixtureTemplates() : [];
  const includePaths = all.filter((t) => /^\{\{[\w.-]+\/[\w.-]+\}\}/.test(t.text));
  const templates = all.filter((t) => !includePaths.includes(t));

  test('the fixtures hold hundreds of templates besides the !include paths', () => {
    expect(includePaths.length).toBeGreaterThan(100);
    expect(templates.length).toBeGreaterThan(500);
  });

  test('each one renders with a sample data set', () => {
    const failures: string[] = [];
    for (const { file, text } of templates) {
      try {
        const out = renderTemplate(text, data, { file, line: 1, column: 1 });
        if (out.includes('{{')) failures.push(`${file}: left an action in ${out}`);
      } catch (error) {
        failures.push(`${file}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('every {{...}} in the files as text is covered, except one inside a YAML comment', () => {
    const rendered = new Set(templates.flatMap((t) => t.text.match(/\{\{.*?\}\}/g) ?? []));
    const files = (readdirSync(fixtures, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml'));
    const missing = new Set<string>();
    for (const file of files) {
      const text = readFileSync(path.join(fixtures, file), 'utf8');
      for (const [action] of text.matchAll(/\{\{.*?\}\}/g)) {
        const unescaped = action.replaceAll('\\"', '"');
        if (!/^\{\{[\w.-]+\/[\w.-]+\}\}$/.test(action) && !rendered.has(unescaped)) missing.add(unescaped);
      }
    }
    expect([...missing]).toEqual(['{{toLower .Config host.arch}}']);
  });
});
