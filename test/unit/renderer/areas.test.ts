import { expect, test } from 'vitest';
import { areaFromHash, areas } from '../../../renderer/src/areas';

test('the frame offers the five areas in order', () => {
  expect(areas.map((a) => a.title)).toEqual([
    'Instances',
    'Integrations',
    'Agents',
    'Configuration',
    'Maintenance',
  ]);
});

test('the hash selects an area; anything else falls back to Instances', () => {
  expect(areaFromHash('#/agents')).toBe('agents');
  expect(areaFromHash('#/configuration/history')).toBe('configuration');
  expect(areaFromHash('#agents')).toBe('agents');
  expect(areaFromHash('')).toBe('instances');
  expect(areaFromHash('#/nope')).toBe('instances');
  expect(areaFromHash('#token=abc')).toBe('instances');
});

test("the dashboard's own routes open the area that shows them", () => {
  expect(areaFromHash('#/tasks/0f3a')).toBe('integrations');
  expect(areaFromHash('#/log/wi-1?line=20')).toBe('integrations');
  expect(areaFromHash('#/integrations?state=Failed')).toBe('integrations');
  expect(areaFromHash('#/storage')).toBe('maintenance');
});
