// The layering of Coin Admin, in one table: which part may import which, and which modules a
// part must never load. The ESLint rule in ./layer-rule.js enforces it; docs/architecture.md
// explains it. Paths are relative to the repository root; the most specific layer wins.
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), 'node:*'];

/** Packages that perform I/O: none of them may be imported by the pure core. */
export const ioPackages = [
  'better-sqlite3',
  'simple-git',
  'ssh2',
  'xmlrpc',
  'fastify',
  '@fastify/*',
  'ws',
  'pino',
  'pino-pretty',
  'playwright-core',
  'electron',
  'electron-builder',
];

/** @type {{dir: string, mayImportDirs: string[], forbiddenModules: string[], why: string}[]} */
export const layers = [
  {
    dir: 'runner/core',
    mayImportDirs: ['runner/core'],
    forbiddenModules: [...nodeBuiltins, ...ioPackages],
    why: 'runner/core is pure logic on plain values: gather data in an I/O module and pass it in',
  },
  {
    dir: 'runner',
    mayImportDirs: ['runner'],
    forbiddenModules: ['electron'],
    why: 'the runner is plain Node and runs without Electron (CLI, service, tests)',
  },
  {
    dir: 'electron/common',
    mayImportDirs: ['electron/common', 'runner/core'],
    forbiddenModules: [...nodeBuiltins, ...ioPackages],
    why: 'electron/common is shared with the sandboxed renderer: no Node, no I/O',
  },
  {
    dir: 'electron/preload',
    mayImportDirs: ['electron/preload', 'electron/common'],
    forbiddenModules: nodeBuiltins,
    why: 'a sandboxed preload can only use the electron renderer modules',
  },
  {
    dir: 'electron',
    mayImportDirs: ['electron', 'runner'],
    forbiddenModules: [],
    why: 'the desktop shell composes the runner; it never reaches into the renderer source',
  },
  {
    dir: 'renderer/vite.config.ts',
    mayImportDirs: [],
    forbiddenModules: [],
    why: 'the Vite config runs in Node at build time, not in the page',
  },
  {
    dir: 'renderer',
    mayImportDirs: ['renderer', 'electron/common', 'runner/core'],
    forbiddenModules: [...nodeBuiltins, ...ioPackages],
    why: 'the renderer runs in a sandboxed page: it talks to the host through DeskApi only',
  },
];

/** Files that may use raw ipcMain/ipcRenderer; everything else goes through the typed contract. */
export const rawIpcAllowed = ['electron/main/ipc-registrar.ts', 'electron/preload/preload.ts'];
