// Which configurations a module is planned on (module-platforms.ts) and the product it is released
// with (product-dependencies.ts), on small in-memory files.
import { describe, expect, test } from 'vitest';
import { formatWarning } from '../../../../../runner/core/coin-files/coin-yaml';
import { allPlatforms, modulePlatforms } from '../../../../../runner/core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../../../../../runner/core/coin-files/platform-configs';
import {
  describeProducts,
  parseProductDependencies,
  productProject,
} from '../../../../../runner/core/coin-files/product-dependencies';
import { memoryPlatformConfigs, yaml } from './memory-files';

const config = (id: string) => `- {Id: ${id}, Template: 'qtci-linux-Ubuntu-22.04-x86_64-51', Compiler: GCC}`;
const file = (...lines: string[]) => yaml('Version: 2', ...lines);

const loader = (files: Record<string, string>) => new PlatformConfigLoader(memoryPlatformConfigs(files));

describe('modulePlatforms', () => {
  const files = {
    'cmake_platforms.yaml': file('Configurations:', config('a'), config('b')),
    'default.yaml': file('Configurations:', config('check')),
    'qtsvg.yaml': file('Include: [cmake_platforms.yaml]', 'Configurations: []'),
    'qtcreator.yaml': file('Module only: True', 'Configurations:', config('creator')),
    'qtdoc.yaml': file('Include: [cmake_platforms.yaml, default.yaml]', 'Configurations: []'),
  };

  test('own file plus default.yaml; the fallback without one; Module only keeps to its own', () => {
    const names = (repo: string) => {
      const selection = modulePlatforms(loader(files), repo)!;
      return [selection.files.join('+'), selection.configurations.map((c) => c.name).join(',')];
    };
    expect(names('qtsvg')).toEqual(['qtsvg.yaml+default.yaml', 'a,b,check']);
    expect(names('qtnew')).toEqual(['cmake_platforms.yaml+default.yaml', 'a,b,check']);
    expect(names('qtcreator')).toEqual(['qtcreator.yaml', 'creator']);
    // a configuration that arrives twice is planned once
    expect(names('qtdoc')).toEqual(['qtdoc.yaml+default.yaml', 'a,b,check']);
    expect(modulePlatforms(loader({ 'default.yaml': files['default.yaml'] }), 'qtnew')).toBeUndefined();
    expect(modulePlatforms(loader(files), 'qtnew')!.notes[0]).toMatch(
      /^there is no qtnew.yaml: planned with cmake_platforms.yaml/,
    );
  });

  test('allPlatforms: every configuration of the files named, each once, found by Id', () => {
    const all = allPlatforms(loader(files), Object.keys(files).sort());
    expect(all.configurations.map((c) => c.name)).toEqual(['a', 'b', 'check', 'creator']);
    expect(all.byId.get('creator')?.source).toBe('qtcreator.yaml');
  });
});

describe('product_dependencies.yaml', () => {
  test('the product is resolved against the module, as the real files name it', () => {
    expect(productProject('qt/qtwebengine', '../qt5.git')).toBe('qt/qt5');
    expect(productProject('qt-creator/qt-creator', '../../qt/qt5.git')).toBe('qt/qt5');
    expect(productProject('pyside/pyside-setup', '../../qt/qt5')).toBe('qt/qt5');
    const parsed = parseProductDependencies(
      'qt/qtwebengine',
      'p.yaml',
      yaml('dependencies:', '  ../qt5.git:', '    ref: "5.15"'),
    );
    expect(parsed.products).toEqual([
      { path: '../qt5.git', project: 'qt/qt5', ref: '5.15', pos: { file: 'p.yaml', line: 3, column: 5 } },
    ]);
    expect(parsed.warnings).toEqual([]);
    expect(describeProducts(parsed.products)).toBe('qt/qt5 at 5.15');
  });

  test('unknown keys and more than one product are warnings; a missing ref is an error', () => {
    const parsed = parseProductDependencies(
      'qt/x',
      'p.yaml',
      yaml(
        'dependencies:',
        '  ../qt5.git: {ref: dev, required: true}',
        '  ../other.git: {ref: dev}',
        'extra: 1',
      ),
    );
    expect(parsed.warnings.map(formatWarning)).toEqual([
      'p.yaml:4:8: product_dependencies.yaml has no key "extra"',
      'p.yaml:2:36: the entry "../qt5.git" has no key "required"',
      'p.yaml:3:17: product_dependencies.yaml names 2 products; a module is released with one (every real file names one)',
    ]);
    expect(() =>
      parseProductDependencies('qt/x', 'p.yaml', yaml('dependencies:', '  ../qt5.git: {}')),
    ).toThrow(/^p\.yaml:2:15: product_dependencies\.yaml dependencies\.\.\.\/qt5\.git\.ref: Invalid input/);
  });
});
