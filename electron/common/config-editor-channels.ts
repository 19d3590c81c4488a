/**
 * The IPC channels of the configuration editor's DeskApi methods (config-editor-contract.ts has
 * their schemas). Names only, so the sandboxed preload bundles no schema.
 */
export const configEditorChannels = {
  configContext: 'config:context',
  configEventSeq: 'config:event-seq',
  configOutcome: 'config:outcome',
} as const;
