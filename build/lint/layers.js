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

/** Small Node helpers every part of runner/node may use (environment, logging, paths, probes). */
const nodeBasics = [
  'runner/core',
  'runner/node/abortable',
  'runner/node/app-version',
  'runner/node/child-env',
  'runner/node/file-hash',
  'runner/node/logging',
  'runner/node/runner-layout',
  'runner/node/system-probe',
  'runner/node/tar-archive',
  'runner/node/working-dir',
];

/**
 * The parts inside runner/node, from the bottom up: each may import only the parts below it, so
 * the import graph of runner/node has no two-way arrow (test/unit/build/import-graph.test.ts).
 */
const runnerNodeLayers = [
  {
    dir: 'runner/node/store',
    mayImportDirs: [...nodeBasics, 'runner/node/store'],
    forbiddenModules: ['electron'],
    why: 'the store (SQLite, artifacts, logs, the lock) is the bottom of the runner: it uses nothing above it',
  },
  {
    dir: 'runner/node/sources',
    mayImportDirs: [...nodeBasics, 'runner/node/sources'],
    forbiddenModules: ['electron'],
    why: 'sources (git repositories, archives, mirrors) read repositories and know nothing of the instance',
  },
  {
    dir: 'runner/node/hypervisors',
    mayImportDirs: [...nodeBasics, 'runner/node/hypervisors'],
    forbiddenModules: ['electron'],
    why: 'a hypervisor starts and stops agents through the contract in runner/core and knows nothing else',
  },
  {
    dir: 'runner/node/instance',
    mayImportDirs: [
      ...nodeBasics,
      'runner/node/instance',
      'runner/node/store',
      'runner/node/sources',
      'runner/node/hypervisors',
      'runner/node/gerrit',
      'runner/node/runtime-config',
      'runner/node/coin-files',
    ],
    forbiddenModules: ['electron', 'fastify', '@fastify/*'],
    why: 'the instance never knows how it is served: the server registers its routes from the instance facade',
  },
  {
    dir: 'runner/node/server',
    mayImportDirs: [
      ...nodeBasics,
      'runner/node/server',
      'runner/node/instance',
      'runner/node/store',
      'runner/node/sources',
      'runner/node/gerrit',
    ],
    forbiddenModules: ['electron'],
    why: 'the server serves an instance; the daemon (runner/node/daemon) composes the two',
  },
];

/** @type {{dir: string, mayImportDirs: string[], forbiddenModules: string[], why: string}[]} */
export const layers = [
  ...runnerNodeLayers,
  {
    dir: 'runner/agent',
    // three small helpers of runner/node that need nothing of the instance
    mayImportDirs: [
      'runner/core',
      'runner/agent',
      'runner/node/child-env',
      'runner/node/file-hash',
      'runner/node/tar-archive',
    ],
    forbiddenModules: ['electron', 'better-sqlite3', 'fastify', '@fastify/*', 'ssh2', 'xmlrpc', 'simple-git'],
    why: 'the agent runs on a VM with nothing of the instance: it speaks the protocol in runner/core',
  },
  {
    dir: 'runner/client',
    mayImportDirs: ['runner/core', 'runner/client'],
    forbiddenModules: ['electron', 'better-sqlite3', 'fastify', '@fastify/*', 'ssh2', 'xmlrpc', 'simple-git'],
    why: 'the instance client is loaded by the CLI, the desktop app and tests: it speaks the contract in runner/core and loads nothing of the instance',
  },
  {
    dir: 'electron/services',
    mayImportDirs: ['electron', 'runner'],
    forbiddenModules: ['electron'],
    why: 'the admin services are plain Node, tested in Node: only electron/main may load Electron',
  },
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
