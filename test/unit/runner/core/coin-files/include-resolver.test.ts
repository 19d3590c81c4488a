import { describe, expect, test } from 'vitest';
import { IncludeResolver, parseIncludeTarget } from '../../../../../runner/core/coin-files/include-resolver';
import { fieldPos, posOf } from '../../../../../runner/core/coin-files/source-pos';
import { memoryRepos, yaml } from './memory-files';

const cmd = (c: string) => yaml('type: ExecuteCommand', `command: "${c}"`, 'userMessageOnFailure: "failed"');

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseIncludeTarget', () => {
  test('{{owner/repo}}/path maps into coin/instructions of that repository, subfolders included', () => {
    expect(parseIncludeTarget('{{qt/qtbase}}/call_cmake.yaml')).toEqual({
      repo: 'qt/qtbase',
      path: 'coin/instructions/call_cmake.yaml',
    });
    expect(parseIncludeTarget('{{qt/qtbase}}/debian/debian_build_module.yaml')).toEqual({
      repo: 'qt/qtbase',
      path: 'coin/instructions/debian/debian_build_module.yaml',
    });
  });

  test('plain relative paths and escapes from coin/instructions are refused', () => {
    expect(() => parseIncludeTarget('call_cmake.yaml')).toThrow(
      '!include "call_cmake.yaml" must look like "{{owner/repo}}/path/file.yaml"',
    );
    expect(() => parseIncludeTarget('{{qt/qtbase}}/../module_config.yaml')).toThrow(
      '!include "{{qt/qtbase}}/../module_config.yaml" must name a file inside coin/instructions',
    );
  });
});

describe('IncludeResolver', () => {
  test('expands includes recursively, across repositories, keeping positions of the included files', () => {
    const files = memoryRepos({
      'qt/qtsvg': { 'coin/module_config.yaml': yaml('Build:', '  - !include "{{qt/qtbase}}/build.yaml"') },
      'qt/qtbase': {
        'coin/instructions/build.yaml': yaml(
          'type: Group',
          'instructions:',
          '  - !include "{{qt/qtbase}}/sub/cmd.yaml"',
        ),
        'coin/instructions/sub/cmd.yaml': cmd('cmake'),
      },
    });
    const { file, value } = new IncludeResolver(files).load('qt/qtsvg', 'coin/module_config.yaml');
    expect(file).toBe('qt/qtsvg/coin/module_config.yaml');
    const build = (value as { Build: { instructions: { command: string }[] }[] }).Build;
    expect(JSON.parse(JSON.stringify(build))).toEqual([
      {
        type: 'Group',
        instructions: [{ type: 'ExecuteCommand', command: 'cmake', userMessageOnFailure: 'failed' }],
      },
    ]);
    expect(posOf(build[0])).toEqual({ file: 'qt/qtbase/coin/instructions/build.yaml', line: 1, column: 1 });
    // The list entry keeps the place of the include itself.
    expect(fieldPos(build, 0)).toEqual({ file: 'qt/qtsvg/coin/module_config.yaml', line: 2, column: 14 });
    expect(fieldPos(build[0]!.instructions[0], 'command')).toEqual({
      file: 'qt/qtbase/coin/instructions/sub/cmd.yaml',
      line: 2,
      column: 10,
    });
  });

  test('a cycle is reported with the whole chain of include sites', () => {
    const files = memoryRepos({
      'q/m': { 'coin/module_config.yaml': yaml('Build:', '  - !include "{{q/base}}/a.yaml"') },
      'q/base': {
        'coin/instructions/a.yaml': yaml('type: Group', 'instructions:', '  - !include "{{q/base}}/b.yaml"'),
        'coin/instructions/b.yaml': yaml(
          'type: Group',
          'instructions:',
          '',
          '  - !include "{{q/base}}/a.yaml"',
        ),
      },
    });
    expect(errorOf(() => new IncludeResolver(files).load('q/m', 'coin/module_config.yaml'))).toBe(
      'q/base/coin/instructions/b.yaml:4:14: include cycle: q/base/coin/instructions/a.yaml:3 -> ' +
        'q/base/coin/instructions/b.yaml:4 -> q/base/coin/instructions/a.yaml:3',
    );
  });

  test('a file including itself is a cycle of one', () => {
    const files = memoryRepos({
      'q/base': {
        'coin/instructions/a.yaml': yaml('type: Group', 'instructions:', '  - !include "{{q/base}}/a.yaml"'),
      },
    });
    expect(errorOf(() => new IncludeResolver(files).load('q/base', 'coin/instructions/a.yaml'))).toBe(
      'q/base/coin/instructions/a.yaml:3:14: include cycle: q/base/coin/instructions/a.yaml:3 -> ' +
        'q/base/coin/instructions/a.yaml:3',
    );
  });

  test('a missing target names the include and the path tried', () => {
    const files = memoryRepos({
      'q/m': { 'coin/module_config.yaml': yaml('Build:', '  - !include "{{q/base}}/debian/nope.yaml"') },
    });
    expect(errorOf(() => new IncludeResolver(files).load('q/m', 'coin/module_config.yaml'))).toBe(
      'q/m/coin/module_config.yaml:2:14: !include "{{q/base}}/debian/nope.yaml": ' +
        'q/base/coin/instructions/debian/nope.yaml does not exist',
    );
  });

  test('the resolver can say where it looked', () => {
    const files = {
      ...memoryRepos({ 'q/m': { 'coin/module_config.yaml': '- !include "{{q/base}}/x.yaml"\n' } }),
      describe: (repo: string, path: string) => `/srv/repos/${repo}/${path}`,
    };
    expect(errorOf(() => new IncludeResolver(files).load('q/m', 'coin/module_config.yaml'))).toBe(
      'q/m/coin/module_config.yaml:1:12: !include "{{q/base}}/x.yaml": /srv/repos/q/base/coin/instructions/x.yaml does not exist',
    );
    expect(errorOf(() => new IncludeResolver(files).load('q/none', 'coin/module_config.yaml'))).toBe(
      '/srv/repos/q/none/coin/module_config.yaml does not exist',
    );
  });

  test('parsed and expanded files are cached: a warm load reads and parses nothing', () => {
    const files = memoryRepos({
      'q/a': {
        'coin/module_config.yaml': yaml('- !include "{{q/base}}/t.yaml"', '- !include "{{q/base}}/t.yaml"'),
      },
      'q/b': { 'coin/module_config.yaml': yaml('- !include "{{q/base}}/t.yaml"') },
      'q/base': { 'coin/instructions/t.yaml': cmd('make') },
    });
    const includes = new IncludeResolver(files);
    const a = includes.load('q/a', 'coin/module_config.yaml').value as unknown[];
    expect(a[0]).toBe(a[1]);
    expect(includes.stats).toEqual({ filesParsed: 2, parseCacheHits: 1, expandCacheHits: 1 });
    const b = includes.load('q/b', 'coin/module_config.yaml').value as unknown[];
    expect(b[0]).toBe(a[0]);
    expect(includes.stats).toEqual({ filesParsed: 3, parseCacheHits: 2, expandCacheHits: 2 });
    const readsBefore = files.reads.length;
    includes.load('q/b', 'coin/module_config.yaml');
    expect(files.reads.length).toBe(readsBefore);
  });

  test('a value without includes is returned as loaded, not copied', () => {
    const files = memoryRepos({ 'q/base': { 'coin/instructions/t.yaml': cmd('make') } });
    const includes = new IncludeResolver(files);
    expect(includes.load('q/base', 'coin/instructions/t.yaml').value).toBe(
      includes.parsed('q/base', 'coin/instructions/t.yaml')!.value,
    );
  });
});
