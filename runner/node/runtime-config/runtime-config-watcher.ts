/**
 * The live runtime configuration of a running instance. It watches DIR/coin_configuration.json
 * (fs.watch on the directory, so editors that replace the file are seen, plus a slow poll for file
 * systems whose events get lost) and applies a change within about half a second.
 *
 * A file being written is never applied half-written: after the last event it waits
 * (`debounceMs`), reads, waits again (`stableMs`) and reads again; only two equal reads are
 * considered, and they must pass the full check. A truncated file fails the check (its braces do
 * not close), is rejected, and the version in force stays. A deleted file changes nothing.
 * Nothing in here may throw into the instance: every failure is logged.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { runtimeConfigFileName, type RuntimeConfig } from '../../core/runtime-config/config-schema';
import { tooLargeMessage } from '../../core/runtime-config/jsonc-parser';
import { formatChanges } from '../../core/runtime-config/config-diff';
import { configEventSubject, fileEditAuthor } from '../store/config-history-table';
import type { SqliteStore } from '../store/sqlite-store';
import { readAuthorNote, readConfigFile, runtimeConfigPath, type ConfigFileSnapshot } from './config-file';
import { activeConfigOf, applyConfigText, type ActiveConfig, type ApplyOutcome } from './config-versions';

/** The configuration in force and a way to hear about changes (what the task queue reads). */
export interface RuntimeConfigSource {
  /** The configuration in force now. */
  current(): RuntimeConfig;
  /** Calls `listener` after each applied change; returns the function that removes it. */
  onApplied(listener: (config: RuntimeConfig) => void): () => void;
}

/** How the watcher is set up; timings have production defaults. */
export interface RuntimeConfigWatcherOptions {
  readonly workingDir: string;
  readonly store: SqliteStore;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly debounceMs?: number;
  readonly stableMs?: number;
  readonly pollMs?: number;
}

/** Watches the file and keeps the configuration in force. Stop it with stop(). */
export class RuntimeConfigWatcher implements RuntimeConfigSource {
  private active: ActiveConfig;
  private readonly listeners = new Set<(config: RuntimeConfig) => void>();
  private readonly file: string;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private lastStat = '';
  private lastSeenSha: string | undefined;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: RuntimeConfigWatcherOptions) {
    this.file = runtimeConfigPath(options.workingDir);
    this.active = activeConfigOf(options.store);
  }

  /** The configuration in force now. */
  current(): RuntimeConfig {
    return this.active.config;
  }

  /** Calls `listener` after each applied change; returns the function that removes it. */
  onApplied(listener: (config: RuntimeConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies the file as it is now, then watches it. */
  async start(): Promise<void> {
    await this.enqueue(() => this.settle('instance start'));
    try {
      this.watcher = watch(path.dirname(this.file), (_event, name) => {
        if (name === null || name === path.basename(this.file)) this.changed();
      });
      this.watcher.unref();
      this.watcher.on('error', (error) =>
        this.options.log.warn({ err: error.message }, 'runtime configuration watch failed; polling only'),
      );
    } catch (error) {
      this.options.log.warn(
        { err: (error as Error).message },
        'cannot watch the runtime configuration; polling only',
      );
    }
    this.poll = setInterval(() => void this.pollOnce(), this.options.pollMs ?? 1000);
    this.poll.unref();
  }

  /** Stops watching and waits for a check in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearTimeout(this.debounce);
    clearInterval(this.poll);
    await this.work;
  }

  private changed(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.enqueue(() => this.settle('file edit'));
    }, this.options.debounceMs ?? 150);
  }

  private async pollOnce(): Promise<void> {
    const info = await stat(this.file).catch(() => undefined);
    const key = info ? `${info.ino}:${info.size}:${info.mtimeMs}` : 'missing';
    if (key !== this.lastStat) {
      this.lastStat = key;
      this.changed();
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.work = this.work.then(task).catch((error: unknown) => {
      this.options.log.error({ err: (error as Error).message }, 'runtime configuration check failed');
    });
    return this.work;
  }

  /** Reads until two reads `stableMs` apart agree, then handles that text. */
  private async settle(via: string): Promise<void> {
    let first = await readConfigFile(this.file);
    for (let tries = 0; !this.stopped && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, this.options.stableMs ?? 200));
      const second = await readConfigFile(this.file);
      if (sameSnapshot(first, second)) return this.handle(second, via);
      first = second;
    }
  }

  private async handle(snapshot: ConfigFileSnapshot, via: string): Promise<void> {
    if (this.stopped) return;
    if (snapshot.kind === 'missing') return this.missing();
    const sha256 = snapshot.kind === 'text' ? snapshot.sha256 : `too-large:${snapshot.bytes}`;
    if (sha256 === this.lastSeenSha) return;
    this.lastSeenSha = sha256;
    if (snapshot.kind === 'too-large') return this.tooLarge(snapshot.bytes);
    const note = await readAuthorNote(this.file, sha256);
    const appliedBy = note?.appliedBy ?? fileEditAuthor;
    this.report(
      applyConfigText(this.options.store, this.active, {
        text: snapshot.text,
        sha256,
        appliedBy,
        via: note?.via ?? via,
      }),
    );
  }

  private missing(): void {
    if (this.lastSeenSha !== 'missing' && this.active.version) {
      const version = this.active.version.version;
      this.options.log.warn({ version }, `${this.file} is missing: version ${version} stays in force`);
    }
    this.lastSeenSha = 'missing';
  }

  private tooLarge(bytes: number): void {
    const message = `${runtimeConfigFileName}:1:1: error: ${tooLargeMessage(bytes)}`;
    this.options.store.appendEvent('config.rejected', configEventSubject, {
      appliedBy: fileEditAuthor,
      errors: [message],
      keptVersion: this.active.version?.version ?? null,
    });
    this.options.log.error(
      { keptVersion: this.active.version?.version ?? null },
      `runtime configuration rejected: ${message}`,
    );
  }

  private report(outcome: ApplyOutcome): void {
    if (outcome.kind === 'unchanged') return;
    if (outcome.kind === 'rejected') {
      const kept = this.active.version
        ? `version ${this.active.version.version} stays in force`
        : 'the defaults stay in force';
      this.options.log.error(
        { errors: outcome.errors, keptVersion: this.active.version?.version ?? null },
        `runtime configuration rejected (${kept}):\n${outcome.errors.join('\n')}`,
      );
      return;
    }
    this.active = { config: outcome.config, version: outcome.version };
    const { version, appliedBy, via, diff } = outcome.version;
    const changes = formatChanges(outcome.changes) || '(comments or formatting only)';
    this.options.log.info(
      { version, appliedBy, via, changes: outcome.changes, diff },
      `runtime configuration version ${version} applied (${appliedBy}, ${via}):\n${changes}`,
    );
    for (const listener of this.listeners) {
      try {
        listener(outcome.config);
      } catch (error) {
        this.options.log.error({ err: (error as Error).message }, 'runtime configuration listener failed');
      }
    }
  }
}

function sameSnapshot(a: ConfigFileSnapshot, b: ConfigFileSnapshot): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'text' && b.kind === 'text') return a.sha256 === b.sha256;
  if (a.kind === 'too-large' && b.kind === 'too-large') return a.bytes === b.bytes;
  return true;
}

/** Starts a watcher on DIR/coin_configuration.json (the file is applied once before this resolves). */
export async function watchRuntimeConfig(
  options: RuntimeConfigWatcherOptions,
): Promise<RuntimeConfigWatcher> {
  const watcher = new RuntimeConfigWatcher(options);
  await watcher.start();
  return watcher;
}
