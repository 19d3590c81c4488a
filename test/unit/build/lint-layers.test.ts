// The layering rules are real ESLint errors: lint snippets as if they lived in each part.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'build/eslint.config.js') });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'coin/layers' || m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

// The first lint loads the config and the TypeScript parser: seconds on a busy machine.
describe('layering lint', { timeout: 60_000 }, () => {
  test('electron may not be imported from runner/ or renderer/', async () => {
    expect(
      await layerErrors('runner/node/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toEqual([expect.stringContaining("runner may not import 'electron'")]);
    expect(await layerErrors('renderer/src/x.ts', "export { app } from 'electron';\n")).toEqual([
      expect.stringContaining("renderer may not import 'electron'"),
    ]);
  });

  test('Node built-ins may not be imported from renderer/, with or without the node: prefix', async () => {
    expect(
      await layerErrors('renderer/src/x.ts', "import fs from 'fs';\nexport const f = fs;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'renderer/src/x.ts',
        "import { readFile } from 'node:fs/promises';\nexport const f = readFile;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors('renderer/src/x.ts', "export const p = import('child_process');\n"),
    ).toHaveLength(1);
  });

  test('runner/core may not import I/O modules nor the I/O parts of the runner', async () => {
    for (const specifier of [
      'better-sqlite3',
      'node:child_process',
      'ssh2',
      'simple-git',
      'fastify',
      'path',
    ]) {
      const errors = await layerErrors(
        'runner/core/x.ts',
        `import * as m from '${specifier}';\nexport const x = m;\n`,
      );
      expect(errors, specifier).toEqual([expect.stringContaining('runner/core may not import')]);
    }
    expect(
      await layerErrors(
        'runner/core/x.ts',
        "import { probeSystem } from '../node/system-probe';\nexport const x = probeSystem;\n",
      ),
    ).toEqual([expect.stringContaining('runner/core may not import runner/node/system-probe')]);
  });

  test('allowed imports stay quiet', async () => {
    expect(
      await layerErrors(
        'runner/core/x.ts',
        "import { z } from 'zod';\nimport { parseVersion } from './versions';\nexport const x = [z, parseVersion];\n",
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        'renderer/src/x.ts',
        "import { deskMethods } from '../../electron/common/desk-channels';\nexport const x = deskMethods;\n",
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        'electron/services/x.ts',
        "import { probeSystem } from '../../runner/node/system-probe';\nexport const x = probeSystem;\n",
      ),
    ).toEqual([]);
  });

  test.each([
    [
      'runner/node/instance/x.ts',
      '../server/coin-server',
      'runner/node/instance may not import runner/node/server',
    ],
    ['runner/node/instance/x.ts', '../daemon/start-instance', 'runner/node/instance may not import'],
    [
      'runner/node/store/x.ts',
      '../instance/task-queue',
      'runner/node/store may not import runner/node/instance',
    ],
    ['runner/node/store/x.ts', '../server/web-security', 'runner/node/store may not import'],
    [
      'runner/node/sources/x.ts',
      '../store/sqlite-store',
      'runner/node/sources may not import runner/node/store',
    ],
    ['runner/node/hypervisors/x.ts', '../instance/agent-pool', 'runner/node/hypervisors may not import'],
    [
      'runner/node/server/x.ts',
      '../daemon/start-instance',
      'runner/node/server may not import runner/node/daemon',
    ],
    ['runner/node/server/x.ts', '../../cli/main', 'runner/node/server may not import runner/cli'],
    ['runner/agent/x.ts', '../node/store/sqlite-store', 'runner/agent may not import runner/node/store'],
    ['runner/agent/x.ts', '../cli/main', 'runner/agent may not import runner/cli'],
  ])('%s may not import %s', async (file, target, message) => {
    const code = `import * as m from '${target}';\nexport const x = m;\n`;
    expect(await layerErrors(file, code)).toEqual([expect.stringContaining(message)]);
  });

  test.each([
    ['runner/node/instance/x.ts', 'fastify'],
    ['runner/agent/x.ts', 'better-sqlite3'],
    ['runner/agent/x.ts', 'ssh2'],
    ['electron/services/x.ts', 'electron'],
    ['electron/services/ssh/x.ts', 'electron'],
  ])('%s may not load %s', async (file, specifier) => {
    const code = `import * as m from '${specifier}';\nexport const x = m;\n`;
    // electron/services also has the general rule against loading Electron outside electron/main
    expect(await layerErrors(file, code)).toContainEqual(
      expect.stringContaining(`may not import '${specifier}'`),
    );
  });

  test('the parts of runner/node import downwards', async () => {
    const allowed: [string, string][] = [
      ['runner/node/server/x.ts', '../instance/instance-facade'],
      ['runner/node/server/x.ts', '../store/sqlite-store'],
      ['runner/node/instance/x.ts', '../store/sqlite-store'],
      ['runner/node/instance/x.ts', '../hypervisors/local-hypervisor'],
      ['runner/node/daemon/x.ts', '../server/coin-server'],
      ['runner/node/store/x.ts', '../working-dir'],
      ['runner/agent/x.ts', '../node/child-env'],
    ];
    for (const [file, target] of allowed) {
      const code = `import * as m from '${target}';\nexport const x = m;\n`;
      expect(await layerErrors(file, code), `${file} -> ${target}`).toEqual([]);
    }
  });

  test('runner/client speaks the contract in runner/core and loads nothing of the instance', async () => {
    const lint = (target: string) =>
      layerErrors('runner/client/x.ts', `import * as m from '${target}';\nexport const x = m;\n`);
    for (const target of ['../node/store/instance-lock', '../node/server/coin-server', '../cli/main'])
      expect(await lint(target), target).toEqual([expect.stringContaining('runner/client may not import')]);
    for (const specifier of ['fastify', 'better-sqlite3', 'ssh2', 'xmlrpc', 'simple-git', 'electron'])
      expect(await lint(specifier), specifier).toContainEqual(
        expect.stringContaining(`may not import '${specifier}'`),
      );
    for (const target of ['../core/instance-api', './instance-errors', 'ws', 'zod'])
      expect(await lint(target), target).toEqual([]);
  });

  test('the renderer may not reach into the electron main process, and raw ipcMain stays in the registrar', async () => {
    expect(
      await layerErrors(
        'renderer/src/x.ts',
        "import { x } from '../../electron/main/main-window';\nexport const y = x;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'electron/main/other.ts',
        "import { ipcMain } from 'electron';\nexport const y = ipcMain;\n",
      ),
    ).toEqual([expect.stringContaining('ipc-registrar')]);
  });
});
