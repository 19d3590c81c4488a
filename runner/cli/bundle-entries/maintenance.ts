/**
 * Entry of the bundled maintenance server, build/out/runner/maintenance.cjs
 * (build/bundle-runner.mjs). It does what runner/node/maintenance/maintenance.mjs does in a
 * checkout, without tsx.
 */
import { maintenanceMain } from '../../node/maintenance/maintenance-main';

maintenanceMain(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`coin maintenance: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
