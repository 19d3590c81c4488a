/**
 * Which log line shows where a work item failed. A log mixes what the tools printed with the
 * agent's own lines: the echoed command (`+ sh tests/run.sh --fail-fast`), the instruction being
 * started (`>>> ExecuteCommand (...)`) and its account of the failure (`FAILED ExecuteCommand at
 * ...: ... command exited with code 1: ...`). A person wants the tool's words, so a line of real
 * failure output (QtTest's `FAIL!`, a compiler's `error:`, an `Error`, a failed assertion, a
 * crash) wins over the agent's account, which is only the answer when nothing else looks like
 * an error; an echoed command line is never the answer, whatever the command says.
 */

/** How a line looks: 0 not a failure, 1 the agent's account of one, 2 the failing tool's own output. */
export type ErrorLineRank = 0 | 1 | 2;

const ansiEscape = /\x1b\[[0-9;?]*[ -/]*[@-~]/g; // eslint-disable-line no-control-regex -- ANSI escapes

/** The agent's lines that are never the failure: the echoed command, an instruction starting, a condition. */
const agentNoise = /^(?:\+ |>>> |condition at |\[[^\]]*\]$)/;

/** The agent's account of a failure (runner/agent: instruction-executor.ts, test-results.ts, command.ts). */
const agentAccount = [
  /^FAILED \S/,
  /^test .+: FAILED after \d+ run/,
  /\bcommand (?:exited with code -?[1-9]\d*|was killed by|exceeded|could not start)\b/,
  /^test failed \(run \d+ of at most \d+\)/,
];

/** What tools print when something fails. */
const toolFailure = [
  /^\s*(?:FAIL!|XPASS)\s*:/, // QtTest
  /\b(?:fatal )?error\s*(?::|!|(?:C|LNK)\d{4}\b)/i, // compilers, linkers, most tools
  /\bError\b/, // `Error: ...`, `CMake Error at`, make's `*** [...] Error 2`
  /\bFAIL(?:ED|URE)?\b/, // CTest, pytest, Go, many test runners
  /\*\*\*\s*(?:Failed|Exception)/, // CTest's per-test line
  /\bAssert(?:ion)?\b.*\bfail/i, // assert(3), Q_ASSERT_X texts, gtest
  /\bASSERT(?:_X)?\s*(?::|failure)/, // Qt's Q_ASSERT
  /\bAssertionError\b/,
  /\bSegmentation fault\b|\bAborted \(core dumped\)|\bterminate called\b|^panic: /,
  /^Traceback \(most recent call last\)/,
  /\bundefined reference to\b|\bld returned \d+ exit status\b/,
];

/** The line without ANSI colours. */
export function plainLine(line: string): string {
  return line.includes('\x1b') ? line.replace(ansiEscape, '') : line;
}

/** True for the agent's own lines about a run (echoed commands, instructions starting, its account of a failure). */
export function isAgentLine(line: string): boolean {
  const text = plainLine(line);
  return agentNoise.test(text) || agentAccount.some((p) => p.test(text));
}

/** How much a line looks like the place a failure shows (see the file comment). */
export function errorLineRank(line: string): ErrorLineRank {
  const text = plainLine(line);
  if (agentNoise.test(text)) return 0;
  if (agentAccount.some((p) => p.test(text))) return 1;
  return toolFailure.some((p) => p.test(text)) ? 2 : 0;
}

/**
 * A cheap first look for scanning large logs: every line errorLineRank does not rank 0 contains
 * a match of this pattern (case-insensitive, global: a new one per scan), so only those lines
 * need ranking.
 */
export function errorLineCandidates(): RegExp {
  return /error|fail|assert|segmentation fault|aborted|terminate called|panic|traceback|undefined reference|exit status|command (?:exited|was killed|exceeded|could not)|xpass|exception/gi;
}

/** Remembers the best line seen so far while lines are offered in order. */
export class FirstErrorFinder {
  private fallback: number | null = null;
  private found: number | null = null;

  /** Offer line number `index`; true once the answer is certain (a line of tool output). */
  offer(index: number, line: string): boolean {
    if (this.found !== null) return true;
    const rank = errorLineRank(line);
    if (rank === 2) this.found = index;
    else if (rank === 1 && this.fallback === null) this.fallback = index;
    return this.found !== null;
  }

  /** The first line of tool output, else the first line of the agent's account, else null. */
  result(): number | null {
    return this.found ?? this.fallback;
  }
}

/** The line (index) that shows where the failure is, or null when none looks like one. */
export function findFirstError(lines: readonly string[]): number | null {
  const finder = new FirstErrorFinder();
  for (let i = 0; i < lines.length; i++) if (finder.offer(i, lines[i]!)) break;
  return finder.result();
}
