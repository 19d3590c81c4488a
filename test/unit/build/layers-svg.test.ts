// docs/layers.svg is drawn from the lint layer table: it may not differ from what the table draws.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
// @ts-expect-error -- a build script in plain JavaScript without type declarations
import { layersSvg, layersSvgFile } from '../../../build/layers-svg.mjs';

test('docs/layers.svg is what build/layers-svg.mjs draws from build/lint/layers.js (run it after a change)', () => {
  const drawn = (layersSvg as () => string)();
  expect(drawn).toContain('runner/node/instance');
  expect(drawn).toContain('<line');
  expect(readFileSync(layersSvgFile as string, 'utf8')).toBe(drawn);
});
