/**
 * Entry of the standalone bootstrap, build/out/runner/agent-bootstrap.cjs: what a VM template's
 * START_SCRIPT carries inline (agent-bootstrap-script.ts) for images that have Node and
 * one-context but no Coin. It does what `coin agent-bootstrap` does, with Node built-ins only.
 *
 *   node agent-bootstrap.cjs [--context-file FILE] [--work-root DIR]
 */
import { bootstrapAgent } from './agent-bootstrap';
import { BootstrapError, contextPlaces, readAgentContext } from './agent-context';

/** The value after `flag` in argv, if given. */
function option(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

async function bootstrap(argv: readonly string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const context = await readAgentContext(contextPlaces(option(argv, '--context-file'), process.env));
    return await bootstrapAgent(context, {
      workRoot: option(argv, '--work-root') ?? '/var/lib/coin-agent',
      log,
    });
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    log(`coin agent-bootstrap: ${error.message}`);
    return 1;
  }
}

bootstrap(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`coin agent-bootstrap: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
