#!/usr/bin/env node
// `coin` from a checkout: load the TypeScript sources through tsx. Packaged builds ship a bundle.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
