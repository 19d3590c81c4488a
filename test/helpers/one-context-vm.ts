// A Coin VM image for the OpenNebula fake, as far as this machine can be one: the fake "boots" a
// VM by running this program with the VM's CONTEXT values (its agentCommand), and this does what
// one-context and the image do at boot: lay out the CONTEXT as oned writes context.sh, then start
// the bootstrap as user nobody (another user than the instance's, with its own home), so that
// nothing of the instance's files or environment but what the context carries reaches the agent.
//
//   node --import tsx one-context-vm.ts <vm-root> --master URL --agent-id ID --work-root DIR
//   (COIN_AGENT_TOKEN in the environment, as the fake passes it)
//
// <vm-root> is a directory nobody may enter. When it holds start-script.sh (the START_SCRIPT
// `coin agent-bootstrap --start-script` prints) the VM runs that as one-context does; otherwise
// it runs `coin agent-bootstrap --context-file` itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
function layOutContext(
  vmRoot: string,
  argv: readonly string[],
): { dir: string; contextFile: string; context: Record<string, string> } {
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
  return { dir, contextFile, context };
}

const asNobody = ['--reuid', String(nobody.uid), '--regid', String(nobody.gid), '--clear-groups', '--'];

/** `coin agent-bootstrap --context-file` as nobody; this process ends with it. */
function runBootstrap(dir: string, contextFile: string): ChildProcess {
  const bootstrap = [
    'agent-bootstrap',
    '--context-file',
    contextFile,
    '--work-root',
    path.join(dir, 'agent'),
  ];
  return spawn('setpriv', [...asNobody, process.execPath, coinBin, ...bootstrap], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * The START_SCRIPT as one-context's net-97-start-script runs it: written to a file, made
 * executable, run from the context's directory with every CONTEXT variable exported and
 * $CONTEXT_FILE set. It starts the agent in the background and returns; the VM stays up.
 */
function runStartScript(dir: string, contextFile: string, context: Record<string, string>): ChildProcess {
  const script = path.join(dir, 'one-start-script');
  copyFileSync(startScriptFile(path.dirname(dir)), script);
  chmodSync(script, 0o700);
  chownSync(script, nobody.uid, nobody.gid);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, CONTEXT_FILE: contextFile };
  // COIN_AGENT_DIR: nobody cannot write the script's default, /var/lib/coin-agent
  return spawn('setpriv', [...asNobody, script], {
    cwd: dir,
    env: { ...context, ...env, COIN_AGENT_DIR: path.join(dir, 'agent') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Where a test puts the START_SCRIPT its VMs run (without it they run the bootstrap directly). */
export function startScriptFile(vmRoot: string): string {
  return path.join(vmRoot, 'start-script.sh');
}

function boot(vmRoot: string, argv: readonly string[]): void {
  const { dir, contextFile, context } = layOutContext(vmRoot, argv);
  const viaStartScript = existsSync(startScriptFile(vmRoot));
  const child = viaStartScript ? runStartScript(dir, contextFile, context) : runBootstrap(dir, contextFile);
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      child.kill(signal);
      process.exit(128);
    });
  child.on('exit', (code, signal) => {
    const status = code ?? (signal ? 128 : 1);
    // a START_SCRIPT returns once the agent runs in the background: the VM stays up until shut down
    if (viaStartScript && status === 0) setInterval(() => undefined, 60_000);
    else process.exit(status);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  boot(process.argv[2]!, process.argv.slice(3));
}
