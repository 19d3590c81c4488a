import { expect, test } from 'vitest';
import { textTable } from '../../../../runner/cli/text-table';

test('columns are padded to the widest cell and the last column is not padded', () => {
  expect(
    textTable(
      ['a', 'bb'],
      [
        ['ccc', 'd'],
        ['e', 'ffff'],
      ],
    ),
  ).toBe(['a    bb', '---  ----', 'ccc  d', 'e    ffff'].join('\n'));
});
