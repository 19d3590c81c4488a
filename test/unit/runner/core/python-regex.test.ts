// Python `re` patterns of the real Coin files, as JavaScript regular expressions.
import { describe, expect, test } from 'vitest';
import { pythonRegex, PythonRegexError } from '../../../../runner/core/python-regex';

describe('pythonRegex', () => {
  test('named groups of qtbase prepare_debian_env.yaml become JS named groups', () => {
    const { regex, groupNames } = pythonRegex('QT_REPO_MODULE_VERSION "(?P<QT_REPO_MODULE_VERSION>.*)"');
    expect(groupNames).toEqual(['QT_REPO_MODULE_VERSION']);
    const match = regex.exec('set(QT_REPO_MODULE_VERSION "6.11.0")\nset(X "1")');
    expect(match?.groups).toEqual({ QT_REPO_MODULE_VERSION: '6.11.0' });
  });

  test('two groups across a newline, as in coin_module_test_start_imx8qmek_hw.yaml', () => {
    const { regex, groupNames } = pythonRegex('IMX8_ID=(?P<IMX8_ID>.*)\nIMX8_IP=(?P<IMX8_IP>.*)');
    expect(groupNames).toEqual(['IMX8_ID', 'IMX8_IP']);
    expect(regex.exec('IMX8_ID=42\nIMX8_IP=10.0.0.7\n')?.groups).toEqual({
      IMX8_ID: '42',
      IMX8_IP: '10.0.0.7',
    });
  });

  test('named back-references, \\A and \\Z, and leading inline flags', () => {
    expect(pythonRegex('(?P<q>["\'])x(?P=q)').regex.test('"x"')).toBe(true);
    expect(pythonRegex('(?P<q>["\'])x(?P=q)').regex.test('"x\'')).toBe(false);
    expect(pythonRegex('\\Aab\\Z').regex.test('ab')).toBe(true);
    expect(pythonRegex('\\Aab\\Z').regex.test('ab\n')).toBe(false);
    const { regex } = pythonRegex('(?i)^version: (?P<V>\\d+)$');
    expect(regex.flags).toBe('i');
    expect(regex.exec('VERSION: 7')?.groups?.V).toBe('7');
  });

  test('text inside character classes and escapes is left alone', () => {
    const { regex, groupNames } = pythonRegex('[(?P<]\\(?P<x>');
    expect(groupNames).toEqual([]);
    expect(regex.test('P(P<x>')).toBe(true);
  });

  test('what JavaScript cannot do is an error that names the pattern', () => {
    expect(() => pythonRegex('(?x) a b')).toThrow(PythonRegexError);
    expect(() => pythonRegex('(?P<a>x)(?(a)y|z)')).toThrow(/conditional groups/);
    expect(() => pythonRegex('(unclosed')).toThrow(/regex "\(unclosed" cannot be used/);
  });
});
