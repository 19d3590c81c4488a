#!/usr/bin/env node
// The maintenance server as its own small process (what a stopping instance leaves behind):
// loads only the maintenance modules, so the page is up fast.
import { register } from 'tsx/esm/api';

register();
const { maintenanceMain } = await import('./maintenance-main.ts');
try {
  await maintenanceMain(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`coin maintenance: ${error.message}\n`);
  process.exitCode = 1;
}
