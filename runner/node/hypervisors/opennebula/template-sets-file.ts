/**
 * The working directory's record of provisioned VM template sets (one-template-sets.ts), read
 * and written as `opennebula-templates.json`. Written through a temporary file and a rename, so
 * an instance reading it while `coin provision` writes sees the old or the new record, never half.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseTemplateSets, type TemplateSets } from '../../../core/opennebula/one-template-sets';
import { inWorkingDir } from '../../../core/working-dir-layout';

/** The record's path in `workingDir`. */
export function templateSetsFile(workingDir: string): string {
  return inWorkingDir(workingDir, 'openNebulaTemplates');
}

/** The record (none yet: no provisioning); throws a one-line error for a file that is not one. */
export async function readTemplateSets(file: string): Promise<TemplateSets> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const sets = parseTemplateSets(text);
  if (!sets) throw new Error(`${file} is not a record of provisioned templates: fix it or remove it`);
  return sets;
}

export async function writeTemplateSets(file: string, sets: TemplateSets): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(sets, null, 2)}\n`);
  await rename(temporary, file);
}
