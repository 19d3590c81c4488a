/** The storage view: disk of the working directory, artifacts by project, the GC threshold. */
import { statfsSync } from 'node:fs';
import type { SqliteStore } from '../store/sqlite-store';

export interface StorageReport {
  freeBytes: number;
  totalBytes: number;
  gcMinFreeBytes: number;
  artifactEpoch: number;
  artifacts: { count: number; bytes: number; byProject: { project: string; count: number; bytes: number }[] };
}

/** Measure the disk and sum the stored artifacts of the current epoch by project. */
export function storageReport(store: SqliteStore, workingDir: string, gcMinFreeBytes: number): StorageReport {
  const fs = statfsSync(workingDir);
  const epoch = store.artifactEpoch();
  const byProject = new Map<string, { count: number; bytes: number }>();
  for (const artifact of store.listArtifacts()) {
    if (artifact.epoch !== epoch) continue;
    const entry = byProject.get(artifact.project) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += artifact.size;
    byProject.set(artifact.project, entry);
  }
  const projects = [...byProject]
    .map(([project, v]) => ({ project, ...v }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    freeBytes: fs.bavail * fs.bsize,
    totalBytes: fs.blocks * fs.bsize,
    gcMinFreeBytes,
    artifactEpoch: epoch,
    artifacts: {
      count: projects.reduce((n, p) => n + p.count, 0),
      bytes: projects.reduce((n, p) => n + p.bytes, 0),
      byProject: projects,
    },
  };
}
