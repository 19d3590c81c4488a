// electron-builder configuration of Coin Admin. build/dist.mjs loads it and adds what depends on
// the build machine (electronDist, output directory, release-only native rebuild and fuses);
// docs/packaging.md explains the whole procedure.
import fs from 'node:fs';
import path from 'node:path';
import { runnerRuntimePackages } from './bundle-runner.mjs';

const root = path.resolve(import.meta.dirname, '..');
const electronPackage = path.join(root, 'node_modules', 'electron', 'package.json');
const electronVersion = JSON.parse(fs.readFileSync(electronPackage, 'utf8')).version;
const icon = 'build/resources/icon.png';

/** @type {import('electron-builder').Configuration} */
export default {
  appId: 'org.qt-project.coin-admin',
  productName: 'Coin Admin',
  executableName: 'coin-admin',
  copyright: 'Copyright © Coin Admin developers',
  electronVersion,
  directories: { output: 'dist', buildResources: 'build/resources' },
  // The bundles, the renderer and the docs; production node_modules are added by electron-builder.
  files: [
    'build/out/**/*',
    'package.json',
    // What node-gyp leaves behind when a native module is compiled on install: sources and objects.
    '!**/node_modules/*/{src,deps,docs,benchmark}{,/**/*}',
    '!**/node_modules/*/build/{deps,node_gyp_bins}{,/**/*}',
    '!**/node_modules/*/build/*.{mk,Makefile,gypi}',
    '!**/node_modules/*/build/Makefile',
    '!**/node_modules/*/build/Release/{obj,obj.target,.deps}{,/**/*}',
    '!**/node_modules/*/build/Release/test_extension.node',
  ],
  asar: true,
  // Native modules cannot be loaded from inside app.asar. The runner (build/out/runner) runs as a
  // separate process of the app's executable in Node mode (docs/packaging.md): its bundles, the web
  // assets it serves and the packages it requires are real files in app.asar.unpacked/, where any
  // Node finds them by path, and runner/node/runner-layout.ts looks for them there.
  asarUnpack: [
    '**/*.node',
    'build/out/runner/**',
    'build/out/renderer/**',
    'build/out/docs/**',
    ...runnerRuntimePackages().map((name) => `node_modules/${name}/**`),
  ],
  // Native modules are rebuilt for Electron's ABI only in release builds (dist.mjs --release).
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  publish: null,
  linux: {
    target: ['AppImage', 'deb'],
    icon,
    category: 'Development',
    synopsis: 'Administration of Coin, the Qt CI system, with a local runner',
    maintainer: 'Coin Admin developers <coin-admin@example.invalid>',
    vendor: 'Coin Admin developers',
  },
  deb: {
    // electron-builder's default list (setting depends replaces it) plus git for the local runner.
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0',
      'git',
    ],
  },
  mac: {
    target: ['dmg'],
    icon,
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
  },
  dmg: { title: 'Coin Admin ${version}' },
  win: { target: ['nsis'], icon },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};
