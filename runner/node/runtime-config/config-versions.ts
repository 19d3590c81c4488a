/**
 * Applying a configuration text to an instance's store: check it, and either record it as the
 * new version (with its difference from the one in force and a `config.applied` event) or record
 * the rejection (a `config.rejected` event; the version in force stays). Used by the watcher of a
 * running instance and by `coin config rollback` when no instance runs.
 */
import { auditConfigVersion } from '../store/audit-table';
import { checkRuntimeConfig, formatDiagnostic } from '../../core/runtime-config/config-check';
import { configChanges, unifiedDiff, type ConfigChange } from '../../core/runtime-config/config-diff';
import {
  defaultRuntimeConfig,
  runtimeConfigFileName,
  runtimeConfigSchema,
  type RuntimeConfig,
} from '../../core/runtime-config/config-schema';
import { configEventSubject, type ConfigVersion } from '../store/config-history-table';
import type { SqliteStore } from '../store/sqlite-store';

/** The configuration in force and the version it came from (undefined: the defaults, no file applied yet). */
export interface ActiveConfig {
  readonly config: RuntimeConfig;
  readonly version: ConfigVersion | undefined;
}

/** What applyConfigText did. */
export type ApplyOutcome =
  | {
      readonly kind: 'applied';
      readonly version: ConfigVersion;
      readonly config: RuntimeConfig;
      readonly changes: readonly ConfigChange[];
    }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'rejected'; readonly errors: readonly string[]; readonly warnings: readonly string[] };

/** A text to apply, where it came from, and who applied it. */
export interface ConfigSubmission {
  readonly text: string;
  readonly sha256: string;
  readonly appliedBy: string;
  readonly via: string;
}

/** The version in force according to the store (its newest), or the defaults. */
export function activeConfigOf(store: SqliteStore): ActiveConfig {
  const version = store.configHistory.latest();
  if (!version) return { config: defaultRuntimeConfig, version: undefined };
  const parsed = runtimeConfigSchema.safeParse(version.config);
  const config = parsed.success ? parsed.data : checkRuntimeConfig(version.text).config;
  return { config: config ?? defaultRuntimeConfig, version };
}

/** Checks `submission` and records it as the new version, or records why it was rejected. */
export function applyConfigText(
  store: SqliteStore,
  active: ActiveConfig,
  submission: ConfigSubmission,
): ApplyOutcome {
  if (active.version?.sha256 === submission.sha256) return { kind: 'unchanged' };
  const check = checkRuntimeConfig(submission.text);
  const format = (severity: string) =>
    check.diagnostics
      .filter((d) => d.severity === severity)
      .map((d) => formatDiagnostic(d, runtimeConfigFileName));
  if (!check.config) {
    const errors = format('error');
    store.appendEvent('config.rejected', configEventSubject, {
      sha256: submission.sha256,
      appliedBy: submission.appliedBy,
      via: submission.via,
      errors,
      keptVersion: active.version?.version ?? null,
    });
    return { kind: 'rejected', errors, warnings: format('warning') };
  }
  const changes = configChanges(active.config, check.config);
  const version = store.transaction(() =>
    auditConfigVersion(
      store.audit,
      store.configHistory.record({
        appliedBy: submission.appliedBy,
        via: submission.via,
        sha256: submission.sha256,
        text: submission.text,
        config: check.config!,
        changes,
        diff: unifiedDiff(active.version?.text ?? '', submission.text, {
          a: active.version ? `version ${active.version.version}` : '(none)',
          b: 'new',
        }),
      }),
    ),
  );
  return { kind: 'applied', version, config: check.config, changes };
}
