import { expect, test } from 'vitest';
import { countAgents, poolWarning } from '../../../../renderer/src/dashboard/pool-health';

const agents = (waiting: number, running: number) => [
  ...Array.from({ length: waiting }, () => ({ state: 'waiting' as const })),
  ...Array.from({ length: running }, () => ({ state: 'running' as const })),
];

test("many waiting agents with only a handful running is the guide's sign of trouble", () => {
  expect(poolWarning(countAgents(agents(200, 3)))).toMatch(/^200 agents are waiting and only 3 running/);
  expect(poolWarning(countAgents(agents(200, 120)))).toBeUndefined();
  expect(poolWarning(countAgents(agents(2, 0)))).toBeUndefined();
});
