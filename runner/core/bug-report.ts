/**
 * A bug report draft in Markdown, ready to paste into the tracker, with what the administration
 * guide asks a report to hold: a summary of the conditions, links to the build log and the
 * integration, the relevant log lines and the versions (app, runner revision, COIN revision,
 * Node). Drafted from a failed check, a journal error signature, a failed task or a diagnosis.
 * Every text that goes in is masked first: tokens, passwords, private keys, Authorization
 * headers and credentials in URLs never reach the draft.
 */

/** What the report is about. */
export type BugReportSource =
  | { kind: 'check'; title: string; detail: string; checkedAt: string }
  | {
      kind: 'journal';
      signature: string;
      count: number;
      firstSeen: string;
      lastSeen: string;
      lines: string[];
    }
  | {
      kind: 'task';
      taskId: string;
      project: string;
      branch: string;
      state: string;
      failureKind: string | null;
      failureReason: string | null;
      integrationUrl: string | null;
      buildLogUrl: string | null;
      lines: string[];
    }
  | { kind: 'diagnosis'; verdict: string; text: string; takenAt: string };

/** Where it happened and what ran there. */
export interface BugReportContext {
  /** The instance as the app names it (profile name, host). */
  instance: string;
  versions: {
    app: string;
    appRevision: string | null;
    runnerRevision: string | null;
    coinRevision: number;
    node: string;
  };
  /** The tracker's URL (a profile setting), e.g. https://bugreports.qt.io/projects/COIN; null: none set. */
  trackerUrl: string | null;
}

/** The draft: a title for the tracker's summary field and the Markdown body. */
export interface BugReportDraft {
  title: string;
  markdown: string;
  trackerUrl: string | null;
}

const masked = '[masked]';
const secretKey = String.raw`[\w.-]*(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credentials?)[\w.-]*`;

/** Replacements that hide secrets, the most specific first. */
const maskRules: [RegExp, string | ((...groups: string[]) => string)][] = [
  // PEM and OpenSSH private keys, whole block (or up to the end when cut off).
  [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    `[private key ${masked}]`,
  ],
  // Authorization and Proxy-Authorization headers: everything after the name.
  [/\b((?:proxy-)?authorization\s*[:=]\s*)[^\r\n]+/gi, `$1${masked}`],
  // Credentials in URLs: scheme://user:password@host -> scheme://user:[masked]@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):[^\s/@]+@/gi, `$1:${masked}@`],
  // Well-known token formats (GitHub, GitLab, Slack, AWS access keys).
  [
    /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|AKIA[A-Z0-9]{16})\b/g,
    masked,
  ],
  // key=value, key: value, "key": "value", ?key=value, #key=value for secret-looking keys.
  [new RegExp(String.raw`(["']?${secretKey}["']?\s*[:=]\s*["']?)([^\s"'&,;}]+)`, 'gi'), `$1${masked}`],
];

/** `text` with every secret the rules know replaced by [masked]. */
export function maskSecrets(text: string): string {
  return maskRules.reduce(
    (current, [pattern, replacement]) => current.replace(pattern, replacement as string),
    text,
  );
}

function fence(lines: readonly string[]): string {
  const body = lines.length ? lines.join('\n') : '(none)';
  const ticks = body.includes('```') ? '~~~~' : '```';
  return `${ticks}text\n${body}\n${ticks}`;
}

function link(url: string | null): string {
  return url ? `<${url}>` : 'n/a';
}

interface Parts {
  title: string;
  summary: string;
  integrationUrl: string | null;
  buildLogUrl: string | null;
  lines: string[];
}

function partsOf(source: BugReportSource, instance: string): Parts {
  const none = { integrationUrl: null, buildLogUrl: null };
  switch (source.kind) {
    case 'check':
      return {
        ...none,
        title: `${instance}: daily check failed: ${source.title}`,
        summary: `The daily check "${source.title}" failed on ${instance} at ${source.checkedAt}: ${source.detail}`,
        lines: [],
      };
    case 'journal':
      return {
        ...none,
        title: `${instance}: ${source.signature}`,
        summary: `The journal of ${instance} shows this error ${source.count} time(s), first at ${source.firstSeen}, last at ${source.lastSeen}: ${source.signature}`,
        lines: source.lines,
      };
    case 'task':
      return {
        title: `${instance}: ${source.project} ${source.branch} ${source.state}${source.failureKind ? ` (${source.failureKind} failure)` : ''}`,
        summary:
          `Integration ${source.taskId} of ${source.project} (${source.branch}) ended ${source.state} on ${instance}` +
          (source.failureReason ? `: ${source.failureReason}` : '.'),
        integrationUrl: source.integrationUrl,
        buildLogUrl: source.buildLogUrl,
        lines: source.lines,
      };
    case 'diagnosis':
      return {
        ...none,
        title: `${instance}: ${source.verdict.split(':')[0]} instance (diagnosis ${source.takenAt})`,
        summary: `A diagnosis of ${instance} at ${source.takenAt} says: ${source.verdict}`,
        lines: source.text.trimEnd().split('\n'),
      };
  }
}

/** The Markdown draft of a report about `source`, every part masked. */
export function draftBugReport(source: BugReportSource, context: BugReportContext): BugReportDraft {
  const parts = partsOf(source, context.instance);
  const v = context.versions;
  const markdown = [
    `## Summary`,
    '',
    parts.summary,
    '',
    '## Links',
    '',
    `- Integration: ${link(parts.integrationUrl)}`,
    `- Build log: ${link(parts.buildLogUrl)}`,
    '',
    '## Relevant log lines',
    '',
    fence(parts.lines.slice(-200)),
    '',
    '## Versions',
    '',
    `- Coin Admin: ${v.app}${v.appRevision ? ` (${v.appRevision})` : ''}`,
    `- Runner revision: ${v.runnerRevision ?? 'unknown'}`,
    `- COIN revision: ${v.coinRevision}`,
    `- Node: ${v.node}`,
    '',
  ].join('\n');
  return { title: maskSecrets(parts.title), markdown: maskSecrets(markdown), trackerUrl: context.trackerUrl };
}
