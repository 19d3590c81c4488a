// The CLI loads only the module of the command a command line names (runner/cli/main.ts): the
// table of command modules must name exactly the top-level commands (and aliases) each module
// adds, or a command would be unknown when run alone.
import { Command } from 'commander';
import { expect, test } from 'vitest';
import { commandModules, modulesFor } from '../../../../runner/cli/main';

const quiet = { out: () => undefined, err: () => undefined };

test('each module adds exactly the commands the table names for it, and no name is in two modules', async () => {
  const seen = new Set<string>();
  for (const module of commandModules) {
    const program = new Command('coin');
    (await module.load())(program, quiet as never);
    const added = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
    expect(added.sort()).toEqual([...module.names].sort());
    for (const name of added) {
      expect(seen.has(name), `${name} is added by two modules`).toBe(false);
      seen.add(name);
    }
  }
});

test('a command line naming a command loads its module alone; help, options and unknown words load all', () => {
  const argv = (...words: string[]) => ['node', 'coin', ...words];
  expect(modulesFor(argv('integrate', 'repo', '--wait')).map((m) => m.names)).toEqual([
    ['integrate', 'task'],
  ]);
  expect(modulesFor(argv('retry', 'abc')).map((m) => m.names[0])).toEqual(['cancel']);
  for (const words of [[], ['--help'], ['-V'], ['integrat'], ['help', 'integrate']])
    expect(modulesFor(argv(...words))).toBe(commandModules);
});
