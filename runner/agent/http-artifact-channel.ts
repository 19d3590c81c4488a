/** ArtifactChannel over the instance's HTTP endpoints: uploads and downloads stream through tar. */
import { stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { agentPaths, type InputArtifact } from '../core/agent-protocol';
import { packDirectory, unpackInto } from '../node/tar-archive';
import type { ArtifactChannel } from './execution-context';
import { InstructionFailure } from './instruction-failure';
import { masterGet, masterPut, type MasterEndpoint } from './master-http';

export type { MasterEndpoint } from './master-http';

/** GET a tar.gz from the instance and unpack it into `directory`. */
export async function downloadInto(
  master: MasterEndpoint,
  urlPath: string,
  directory: string,
): Promise<void> {
  await unpackInto(await masterGet(master, urlPath), directory);
}

/** The artifact channel of one work item. */
export function httpArtifactChannel(
  master: MasterEndpoint,
  workItemId: string,
  inputs: readonly InputArtifact[],
): ArtifactChannel {
  return {
    async upload(directory, transferType, log, options = {}) {
      const info = await stat(directory).catch(() => null);
      if (!info?.isDirectory())
        throw new InstructionFailure(`nothing to upload: ${directory} is not a directory`, 'build');
      const body = new PassThrough();
      const packing = packDirectory(directory, body, options.exclude);
      const response = await masterPut(
        master,
        agentPaths.upload(workItemId, transferType, options.filename, options.mount),
        body,
        'application/gzip',
      );
      await packing.catch((error: Error) => {
        throw new InstructionFailure(`could not archive ${directory}: ${error.message}`, 'build');
      });
      if (response.status !== 200)
        throw new InstructionFailure(`upload of ${directory} failed: HTTP ${response.status}`, 'system');
      const { key } = JSON.parse(response.body) as { key: string };
      log(`uploaded ${directory} as ${transferType} (${key.slice(0, 12)})`);
      return key;
    },
    async installSource(project, ref, directory, log) {
      await downloadInto(master, agentPaths.projectSource(workItemId, project, ref), directory);
      log(`unpacked the sources of ${project} at ${ref}`);
    },
    async install(kind, directory, log, options = {}) {
      const pattern = options.nameRegex === undefined ? undefined : new RegExp(options.nameRegex);
      // A regex also looks at the build's named uploads; without one only `kind` is installed.
      const kinds = pattern && kind === 'build' ? ['build', 'named'] : [kind];
      const wanted = inputs.filter(
        (i) => kinds.includes(i.kind) && (!pattern || pattern.test(i.name ?? i.key)),
      );
      if (pattern && wanted.length === 0) {
        const names = inputs.map((i) => i.name ?? i.key).join(', ') || 'none';
        throw new InstructionFailure(
          `no ${kind} artifact matches /${options.nameRegex}/ (this work item has: ${names})`,
          'build',
        );
      }
      for (const input of wanted) {
        await downloadInto(master, input.url, directory);
        log(`installed artifact ${input.key.slice(0, 12)} into ${directory}`);
      }
      return wanted.length;
    },
  };
}
