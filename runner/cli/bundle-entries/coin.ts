/**
 * Entry of the bundled `coin` CLI, build/out/runner/coin.cjs (build/bundle-runner.mjs). It does
 * what runner/cli/coin.mjs does in a checkout, without tsx.
 */
import { main } from '../main';

void main(process.argv).then((code) => {
  process.exitCode = code;
});
