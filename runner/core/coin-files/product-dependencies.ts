/**
 * A module's `coin/product_dependencies.yaml`: the product it is released with, at a ref. The
 * real files have one entry in the format of dependencies.yaml: qtwebengine and qtwebview name
 * `../qt5.git` at a release branch (`"5.15"`), Qt Creator `../../qt/qt5.git` at `"6.8"`,
 * PySide `../../qt/qt5` at `"6.12.0"`.
 *
 * Unlike dependencies.yaml it does not name something to build first (*inferred*): the module is
 * built on the product's release line (the qt5 superproject at that branch pins the Qt modules it
 * is tested with), and the product's repository is not a module that gets a work item. The local
 * runner checks the file and shows it; it does not fetch the product.
 */
import * as z from 'zod';
import { checkShape, parseCoinYaml, unknownKeyWarnings, type CoinFileWarning } from './coin-yaml';
import { fieldPos, posOf } from './source-pos';
import type { SourcePos } from './source-pos';

/** Where a module keeps the product it is released with, relative to the repository root. */
export const productDependenciesPath = 'coin/product_dependencies.yaml';

/** One product a module names. */
export interface ProductDependency {
  /** As written, e.g. `../qt5.git`. */
  readonly path: string;
  /** owner/repo of the product, resolved against the module's own (`qt/qt5`). */
  readonly project: string;
  /** The branch, tag or sha of the product (`5.15`). */
  readonly ref: string;
  readonly pos: SourcePos | undefined;
}

/** A parsed product_dependencies.yaml. */
export interface ProductDependencies {
  readonly file: string;
  readonly products: readonly ProductDependency[];
  /** Problems that do not stop reading it: unknown keys, more than one product. */
  readonly warnings: readonly CoinFileWarning[];
}

const fileSchema = z.looseObject({
  dependencies: z.record(z.string(), z.looseObject({ ref: z.union([z.string(), z.number()]) })),
});

/** `qt/qtwebengine` + `../qt5.git` -> `qt/qt5`; `qt-creator/qt-creator` + `../../qt/qt5.git` -> `qt/qt5`. */
export function productProject(project: string, relative: string): string {
  const parts = project.split('/');
  for (const part of relative.replace(/\.git$/, '').split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/** Parse the file of `project`; throws CoinFileError for YAML or structural mistakes. */
export function parseProductDependencies(project: string, file: string, text: string): ProductDependencies {
  const value = parseCoinYaml(file, text);
  const root = checkShape(fileSchema, value, 'product_dependencies.yaml');
  const products = Object.entries(root.dependencies).map(([path, entry]) => ({
    path,
    project: productProject(project, path),
    // an unquoted `ref: 5.15` is a YAML number; the branch is its text
    ref: String(entry.ref),
    pos: fieldPos(root.dependencies, path),
  }));
  const warnings: CoinFileWarning[] = [
    ...unknownKeyWarnings(value as object, ['dependencies'], 'product_dependencies.yaml'),
    ...Object.entries(root.dependencies).flatMap(([path, entry]) =>
      unknownKeyWarnings(entry, ['ref'], `the entry "${path}"`),
    ),
  ];
  if (products.length === 0)
    warnings.push({ pos: posOf(root.dependencies), message: 'product_dependencies.yaml names no product' });
  if (products.length > 1)
    warnings.push({
      pos: products[1]!.pos,
      message: `product_dependencies.yaml names ${products.length} products; a module is released with one (every real file names one)`,
    });
  return { file, products, warnings };
}

/** One line for people: `qt/qt5 at 5.15 (coin/product_dependencies.yaml)`. */
export function describeProducts(products: readonly ProductDependency[]): string {
  return products.map((p) => `${p.project} at ${p.ref}`).join(', ');
}
