import type { FileVersion } from '../../../../electron/common/instance-schemas';

/** The file as loaded (or last saved): what edits are compared with and saved over. */
export interface Base {
  readonly path: string;
  readonly text: string;
  readonly version: FileVersion | null;
}
