// A Coin VM image for the OpenNebula fake, as far as this machine can be one: the fake "boots" a
// VM by running this program with the VM's CONTEXT values (its agentCommand), and this does what
// one-context and the image do at boot: lay out the CONTEXT as oned writes context.sh, then start
// the bootstrap as user nobody (another user than the instance's, with its own home), so that
// nothing of the instance's files or environment but what the context carries reaches the agent.
//
//   node --import tsx one-context-vm.ts <vm-root> <bootstrap|start-script> --master URL --agent-id ID --work-root DIR
//   (COIN_AGENT_TOKEN in the environment, as the fake passes it)
//
// <vm-root> is a directory nobody may enter. `bootstrap` runs `coin agent-bootstrap --context-file`;
// `start-script` runs the START_SCRIPT `coin agent-bootstrap --start-script` prints, the way
// one-context's net-97-start-script runs it (the CONTEXT exported, $CONTEXT_FILE set).
import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatContextFile } from '../../runner/agent/bootstrap/context-file';
import { agentContextKeys } from '../../runner/core/opennebula/one-template';

/** User and group nobody (uid/gid 65534 on Debian and Ubuntu). */
export const nobody = { uid: 65534, gid: 65534 };

const coinBin = path.resolve(import.meta.dirname, '..', '..', 'runner', 'cli', 'coin.mjs');

/** Other CONTEXT a real template carries, with the quoting one-context must get right. */
export const imageContext = {
  NETWORK: 'YES',
  SET_HOSTNAME: 'coin-vm',
  SSH_PUBLIC_KEY: "ssh-ed25519 AAAAC3 ci@coin\nssh-rsa AAAAB3 it's@coin",
};

function flag(argv: readonly string[], name: string): string {
  const at = argv.indexOf(name);
  if (at < 0 || !argv[at + 1]) throw new Error(`one-context-vm: ${name} is required`);
  return argv[at + 1]!;
}

/** The VM's directory (nobody's), its context.sh written as oned writes it. */
function layOutContext(vmRoot: string, argv: readonly string[]): { dir: string; contextFile: string } {
  const agentId = flag(argv, '--agent-id');
  const dir = path.join(vmRoot, agentId);
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, nobody.uid, nobody.gid);
  const contextFile = path.join(dir, 'context.sh');
  const context = {
    ...imageContext,
    [agentContextKeys.masterUrl]: flag(argv, '--master'),
    [agentContextKeys.token]: process.env.COIN_AGENT_TOKEN ?? '',
    [agentContextKeys.agentId]: agentId,
  };
  writeFileSync(contextFile, formatContextFile(context), { mode: 0o400 });
  chownSync(contextFile, nobody.uid, nobody.gid);
  return { dir, contextFile };
}

function boot(vmRoot: string, mode: string, argv: readonly string[]): void {
  const { dir, contextFile } = layOutContext(vmRoot, argv);
  const asNobody = ['--reuid', String(nobody.uid), '--regid', String(nobody.gid), '--clear-groups', '--'];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const command =
    mode === 'bootstrap'
      ? [
          process.execPath,
          coinBin,
          'agent-bootstrap',
          '--context-file',
          contextFile,
          '--work-root',
          path.join(dir, 'agent'),
        ]
      : ['bash', path.join(vmRoot, 'start-script.sh')];
  const child = spawn('setpriv', [...asNobody, ...command], {
    cwd: dir,
    env: mode === 'bootstrap' ? env : { ...env, CONTEXT_FILE: contextFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  boot(process.argv[2]!, process.argv[3]!, process.argv.slice(4));
}
