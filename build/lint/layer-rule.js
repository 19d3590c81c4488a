// ESLint rule `coin/layers`: an import that crosses the layering in ./layers.js is an error.
import path from 'node:path';
import { layers } from './layers.js';

/** Files every part may read (the version comes from package.json). */
const sharedFiles = ['package.json'];

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

function toRepoPath(absolute) {
  return path.relative(repoRoot, absolute).split(path.sep).join('/');
}

function isInside(repoPath, dir) {
  return repoPath === dir || repoPath.startsWith(`${dir}/`);
}

/** The most specific layer that contains the file, or undefined. */
export function layerOf(repoPath) {
  return layers
    .filter((layer) => isInside(repoPath, layer.dir))
    .sort((a, b) => b.dir.length - a.dir.length)[0];
}

function matchesModule(specifier, pattern) {
  if (pattern.endsWith('*')) return specifier.startsWith(pattern.slice(0, -1));
  return specifier === pattern || specifier.startsWith(`${pattern}/`);
}

/** Why `specifier` may not be imported from `fromFile` (absolute path), or null when it may. */
export function layerViolation(fromFile, specifier) {
  const layer = layerOf(toRepoPath(fromFile));
  if (!layer) return null;
  if (specifier.startsWith('.')) {
    const target = toRepoPath(path.resolve(path.dirname(fromFile), specifier));
    if (sharedFiles.includes(target)) return null;
    if (layer.mayImportDirs.some((dir) => isInside(target, dir))) return null;
    return `${layer.dir} may not import ${target}: ${layer.why}`;
  }
  const banned = layer.forbiddenModules.find((pattern) => matchesModule(specifier, pattern));
  return banned ? `${layer.dir} may not import '${specifier}': ${layer.why}` : null;
}

export const layerRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layering of runner/, electron/ and renderer/' },
    schema: [],
  },
  create(context) {
    function check(node, source) {
      if (!source || typeof source.value !== 'string') return;
      const message = layerViolation(context.filename, source.value);
      if (message) context.report({ node: source, message });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          check(node, node.arguments[0]);
        }
      },
    };
  },
};
