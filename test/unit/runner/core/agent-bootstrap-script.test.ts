// The START_SCRIPT generator: a shell script that carries the bootstrap inline, byte for byte
// (the shell reads it back through a quoted heredoc), and that sh accepts. That one-context's
// way of running it brings an agent up, test/integration/agent/agent-bootstrap.test.ts shows.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { agentStartScript, defaultAgentDir } from '../../../../runner/core/agent-bootstrap-script';
import { makeTempDir, type TempDir } from '../../../helpers/temp-dir';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.remove();
  temp = undefined;
});

test('the script is valid sh and writes the program back unchanged, $ and quotes included', async () => {
  temp = await makeTempDir('start-script-');
  const program = "'use strict';\nconst a = `${process.argv[2]}` + \"$HOME\" + '\\\\';\nprocess.exit(7);\n";
  const script = agentStartScript(program);
  expect(script.startsWith('#!/bin/sh\n')).toBe(true);
  expect(script).toContain(`dir="\${COIN_AGENT_DIR:-${defaultAgentDir}}"`);
  const file = path.join(temp.path, 'start-script');
  writeFileSync(file, script);
  execFileSync('sh', ['-n', file]);
  // only the heredoc: what the shell writes for the program is the program
  const heredoc = script.slice(
    script.indexOf('cat > '),
    script.indexOf('COIN_AGENT_BOOTSTRAP_END\ncontext=') + 25,
  );
  execFileSync('sh', ['-c', heredoc], { env: { dir: temp.path } });
  expect(readFileSync(path.join(temp.path, 'agent-bootstrap.cjs'), 'utf8')).toBe(program);
});

test('refuses a program holding the end marker and a directory that is not absolute', () => {
  expect(() => agentStartScript('x\nCOIN_AGENT_BOOTSTRAP_END\n')).toThrow(
    /holds the line COIN_AGENT_BOOTSTRAP_END/,
  );
  expect(() => agentStartScript('x', 'relative/dir')).toThrow("not an absolute directory: 'relative/dir'");
  expect(() => agentStartScript('x', '/tmp/a dir')).toThrow(/not an absolute directory/);
});
