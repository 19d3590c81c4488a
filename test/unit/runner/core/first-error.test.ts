// The line "First error" jumps to: the failing tool's own output before the agent's account of
// the failure, never the echoed command line, on logs as the agent writes them.
import { describe, expect, test } from 'vitest';
import { errorLineCandidates, errorLineRank, findFirstError } from '../../../../runner/core/first-error';

/** The log of the failing test work item of a real run (paths shortened). */
const testLog = [
  'sources unpacked into /tmp/w/agents/local-1/work/wi-2/demo/tool',
  '>>> ExecuteCommand (demo/tool@6574a3c5abdc:coin/module_config.yaml:18:7)',
  '+ sh /tmp/w/wi-2/demo/tool/tests/tst_tool.sh /tmp/w/wi-2/install/bin/tool --fail-fast',
  '********* Start testing of tst_Tool *********',
  'PASS   : tst_Tool::initTestCase()',
  'FAIL!  : tst_Tool::prints() Compared values are not the same',
  '   Actual   (out)         : "tool broken"',
  'Totals: 1 passed, 1 failed, 0 skipped',
  'FAILED ExecuteCommand at demo/tool@6574a3c5abdc:coin/module_config.yaml:18:7: The tests of the tool failed. (command exited with code 1: sh /tmp/w/wi-2/demo/tool/tests/tst_tool.sh --fail-fast)',
  'test report tst_tool.xml: 1 passed, 0 flaky, 1 failed, 0 skipped',
  'tests: 1 passed, 0 flaky, 1 failed, 0 skipped',
];

describe('findFirstError', () => {
  test('QtTest: the FAIL! line, not the echoed command that says --fail-fast', () => {
    expect(findFirstError(testLog)).toBe(5);
  });

  test('a compiler error, coloured, before make and the agent', () => {
    const log = [
      '+ cc -Wall -Werror -o build/tool src/broken.c',
      '\x1b[01m\x1b[Ksrc/broken.c:1:30:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: \x1b[m\x1b[K‘missing_symbol’ undeclared',
      'make: *** [Makefile:2: all] Error 1',
      'FAILED ExecuteCommand at m/x@1:coin/b.yaml:3:5: Failed to compile the tool. (command exited with code 1: cc ...)',
    ];
    expect(findFirstError(log)).toBe(1);
  });

  test('only the agent said what failed: its account is the answer', () => {
    const log = [
      '+ false',
      'FAILED ExecuteCommand at m/x@1:coin/b.yaml:3:5: command exited with code 1: false',
    ];
    expect(findFirstError(log)).toBe(1);
  });

  test('nothing looks like an error: null; echoed and started lines never count', () => {
    expect(
      findFirstError(['+ ./check --errors: all --assert-fail', '>>> RunQtUnitTest (x)', 'done']),
    ).toBeNull();
    expect(findFirstError([])).toBeNull();
  });
});

describe('errorLineRank', () => {
  test.each([
    ['FAIL!  : tst_QString::arg() Compared values are not the same', 2],
    ['XPASS  : tst_Foo::bar() the blacklisted test passed', 2],
    ["main.cpp:12:5: fatal error: 'QtCore' file not found", 2],
    ['main.obj : error LNK2019: unresolved external symbol', 2],
    ['CMake Error at CMakeLists.txt:3 (find_package):', 2],
    ['Error: Cannot find module ./x', 2],
    ['  1/3 Test #1: tst_foo ..........................***Failed    0.02 sec', 2],
    ['The following tests FAILED:', 2],
    ["tst_foo: main.cpp:7: int main(): Assertion `x > 0' failed.", 2],
    ['ASSERT: "index < size()" in file qlist.h, line 456', 2],
    ['Segmentation fault (core dumped)', 2],
    ['Traceback (most recent call last):', 2],
    ["main.c:(.text+0x5): undefined reference to `f'", 2],
    ['FAILED ExecuteCommand at x:1:1: Failed to compile.', 1],
    ['test tst_foo: FAILED after 2 run(s): command exited with code 1', 1],
    ['command exited with code 3: make', 1],
    ['+ make -k ERRORS=1 || echo FAIL!', 0],
    ['>>> ExecuteCommand (demo/x@1:coin/m.yaml:3:5)', 0],
    ['Totals: 10 passed, 0 failed, 0 skipped', 0],
    ['cc1: all warnings being treated as errors', 0],
    ['-- Looking for strerror - found', 0],
    ['PASS   : tst_Foo::errorString()', 0],
  ] as const)('%s -> %i', (line, rank) => {
    expect(errorLineRank(line)).toBe(rank);
    // every line that ranks is found by the quick look of the log scan
    if (rank > 0) expect(errorLineCandidates().test(line)).toBe(true);
  });
});
