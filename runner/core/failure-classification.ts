/**
 * What kind of failure a work item had, as Coin tells them apart (the administration guide asks
 * administrators to look at system failures and leave build and test failures to the change's
 * author), and its parts for people: what failed in one sentence, the failing tests, and the
 * command and place apart, so a page can show the command once and out of the way.
 *
 * - a failed build (or dependency build) phase is a **build** failure;
 * - a failed test phase is a **test** failure, with the failing test cases of its parsed results;
 * - a lost agent, a timeout, no agent, a cancelled run or any other problem of the CI itself
 *   (what the agent or the runner reported as `system`), and a failed provisioning phase, is a
 *   **system** failure, whatever phase it hit;
 * - a failure on an insignificant configuration (the work item ended Insignificant) is
 *   **insignificant**: it does not fail the integration.
 */
import type { WorkItemKind, WorkItemState } from './model';
import type { FailureKind, WorkItemRecord } from './records';
import type { TestResult } from './test-report';

/** Coin's four kinds of failure. */
export const failureClasses = ['build', 'test', 'system', 'insignificant'] as const;
export type FailureClass = (typeof failureClasses)[number];

/** One failing test case of a test failure. */
export interface FailedTest {
  readonly name: string;
  readonly message: string | null;
  readonly attempts: number;
}

/** A classified failure and its parts. */
export interface FailureClassification {
  readonly kind: FailureClass;
  /** The failing test cases (test failures with parsed results), at most maxFailedTests of them. */
  readonly failedTests: readonly FailedTest[];
  /** How many test cases failed in all. */
  readonly failedTestCount: number;
  /** What failed, in the module's words when it has some: the instruction's userMessageOnFailure. */
  readonly message: string;
  /** Why, without the command: `command exited with code 1`, `agent x disconnected ...`. */
  readonly cause: string | null;
  /** The command that failed, when the reason names one. */
  readonly command: string | null;
  /** Where the failing instruction is written (`project@sha:file:line:column`). */
  readonly at: string | null;
}

/** A work item's classified failure, as GET api/taskDetail carries it (`failures`). */
export interface WorkItemFailure extends FailureClassification {
  readonly workItemId: string;
}

/** A failed work item as the classifier needs it. */
export interface FailureInput {
  /** The phase: build (the module's or a dependency's), test, or another phase (a build failure). */
  readonly phase: WorkItemKind;
  readonly state: WorkItemState;
  /** What the agent or the runner reported (`system` for the CI's own problems). */
  readonly reportedKind: FailureKind | null;
  readonly reason: string | null;
  /** The work item's parsed test results, when it has any. */
  readonly tests?: readonly TestResult[];
}

/** At most this many failing tests are carried (the rest are counted). */
export const maxFailedTests = 20;

/** The kind alone, from the phase and what was reported (what the runner stores). */
export function failureKindOf(phase: WorkItemKind, reportedKind: FailureKind | null): FailureKind {
  if (reportedKind === 'system') return 'system';
  return phase === 'test' ? 'test' : 'build';
}

/** The classification of a work item, or null when it did not fail (Done, Queued, Running, Cancelled). */
export function classifyFailure(input: FailureInput): FailureClassification | null {
  if (input.state !== 'Failed' && input.state !== 'Insignificant') return null;
  const kind: FailureClass =
    input.state === 'Insignificant' ? 'insignificant' : failureKindOf(input.phase, input.reportedKind);
  const failed = input.phase === 'test' ? (input.tests ?? []).filter((t) => t.outcome === 'failed') : [];
  return {
    kind,
    failedTests: failed.slice(0, maxFailedTests).map((t) => ({
      name: t.name,
      message: t.message ?? null,
      attempts: t.attempts,
    })),
    failedTestCount: failed.length,
    ...splitFailureReason(input.reason ?? ''),
  };
}

/**
 * The failures of a task's work items classified without their test results: for answers of
 * instances that do not carry `failures` yet.
 */
export function classifyWorkItems(items: readonly WorkItemRecord[]): WorkItemFailure[] {
  return items.flatMap((w) => {
    const failure = classifyFailure({
      phase: w.kind,
      state: w.state,
      reportedKind: w.failureKind,
      reason: w.failureReason,
    });
    return failure ? [{ workItemId: w.id, ...failure }] : [];
  });
}

/** The parts of a stored failure reason. */
export interface ReasonParts {
  readonly message: string;
  readonly cause: string | null;
  readonly command: string | null;
  readonly at: string | null;
}

/** Where a stored reason ends: ` (project@sha:file:line:column)` or ` (file:line:column)`. */
const placeSuffix = / \(([^()\s]+:\d+:\d+)\)$/;
/** The start of a command outcome in a cause (runner/agent/handlers/command.ts describeOutcome). */
const commandOutcome =
  /(?:^|: |\()command (?:exited with code -?\d+|was killed by \w+|exceeded .+? and was killed with its children|could not start \(.*?\)): /;

/** The index of the `(` that opens the parenthesis `text` ends with, or -1. */
function openingParen(text: string): number {
  if (!text.endsWith(')')) return -1;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return i > 0 && text[i - 1] === ' ' ? i : -1;
  }
  return -1;
}

/**
 * Where the parenthesised cause of a message opens, or -1: before the command outcome when the
 * reason names a command (the command may hold parentheses of any balance), else the
 * parenthesis the text ends with.
 */
function causeOpening(text: string): number {
  const outcome = commandOutcome.exec(text);
  if (!outcome) return openingParen(text);
  const open = text.lastIndexOf(' (', outcome.index);
  return open >= 0 && text.endsWith(')') ? open + 1 : -1;
}

/** A cause without its command: `command exited with code 1` and the command apart. */
function splitCommand(cause: string): { cause: string; command: string | null } {
  const match = commandOutcome.exec(cause);
  if (!match) return { cause, command: null };
  const end = match.index + match[0].length;
  return { cause: cause.slice(0, end - 2), command: cause.slice(end) || null };
}

/**
 * A reason as the runner stores it, `<message> (<cause>) (<where>)` (the message is the
 * instruction's userMessageOnFailure when it has one, else the cause itself), in its parts.
 */
export function splitFailureReason(reason: string): ReasonParts {
  let rest = reason.trim();
  const place = placeSuffix.exec(rest);
  const at = place ? place[1]! : null;
  if (place) rest = rest.slice(0, place.index);
  const open = causeOpening(rest);
  if (open > 0) {
    const inner = splitCommand(rest.slice(open + 1, -1));
    return { message: rest.slice(0, open - 1), ...inner, at };
  }
  const whole = splitCommand(rest);
  if (whole.command === null) return { message: rest, cause: null, command: null, at };
  return { message: whole.cause, cause: null, command: whole.command, at };
}

/** "Build failure" and its siblings. */
export function failureClassTitle(kind: FailureClass): string {
  switch (kind) {
    case 'build':
      return 'Build failure';
    case 'test':
      return 'Test failure';
    case 'system':
      return 'System failure';
    case 'insignificant':
      return 'Insignificant failure';
  }
}

/** What the kind means for whoever reads it, in one clause. */
export function failureClassMeaning(kind: FailureClass): string {
  switch (kind) {
    case 'build':
      return 'the change does not build';
    case 'test':
      return 'the change built, its tests failed';
    case 'system':
      return 'the CI itself failed (agent, VM, timeout or storage), not the change';
    case 'insignificant':
      return 'on an insignificant configuration: it does not fail the integration';
  }
}

/** `tst_Tool::prints failed: Compared values are not the same (and 2 more tests)`. */
function testsSentence(c: FailureClassification): string | null {
  const first = c.failedTests[0];
  if (!first) return null;
  const more = c.failedTestCount - 1;
  const tail = more > 0 ? ` (and ${more} more failing test${more === 1 ? '' : 's'})` : '';
  return `${first.name} failed${first.message ? `: ${first.message}` : ''}${tail}`;
}

/** The failure in one line, without the command: the failing test first when there is one. */
export function failureHeadline(c: FailureClassification): string {
  const title = failureClassTitle(c.kind);
  const tests = testsSentence(c);
  if (tests) return `${title}: ${tests}`;
  const message = c.message || c.cause || 'the work item failed without saying why';
  return `${title}: ${message.replace(/\.$/, '')}`;
}
