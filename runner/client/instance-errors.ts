/**
 * How the client words what went wrong: one line for people, never raw HTTP or an HTML page.
 * Nobody answering is a NoInstanceError (a caller may then work offline, as `coin gc` does);
 * an answer with an error status is an InstanceRefusedError with the instance's own reason when
 * it gave one; an answer of the wrong shape says which field and that versions may differ.
 */
import * as z from 'zod';

/** No instance answers at the address (or none runs in the working directory). */
export class NoInstanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoInstanceError';
  }
}

/** The instance answered with an error status; the message is one line for people. */
export class InstanceRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The instance's own reason, when it gave one (`no task 'x'`). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'InstanceRefusedError';
  }
}

/** The instance answered, but not what this version of the contract expects. */
export class InstanceAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstanceAnswerError';
  }
}

/** The maintenance page's answer to an API request (runner/node/maintenance). */
const maintenanceAnswerSchema = z.object({
  maintenance: z.literal(true),
  error: z.string().optional(),
});

/** The `error` of a JSON answer, or the first line of any other text (an HTML page is not shown). */
export function reasonOf(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: words, or a page
  }
  if (json !== undefined) {
    // A JSON answer is never shown raw: its `error`, or nothing.
    const error = (json as { error?: unknown } | null)?.error;
    return typeof error === 'string' && error.trim() ? error.trim().split('\n', 1)[0] : undefined;
  }
  const line = text.trim().split('\n', 1)[0]?.trim() ?? '';
  return line && !line.startsWith('<') ? line.slice(0, 200) : undefined;
}

function maintenanceReason(text: string): string | undefined {
  try {
    const answer = maintenanceAnswerSchema.safeParse(JSON.parse(text));
    if (answer.success) return answer.data.error ?? 'Coin is under maintenance';
  } catch {
    // the page itself (HTML) says so in its title
  }
  return /Coin is under maintenance/.test(text) ? 'Coin is under maintenance' : undefined;
}

/**
 * What an error status means, in words. `tokenSource` says where the admin token comes from
 * (named when the instance refuses for want of it).
 */
export function refusal(status: number, text: string, tokenSource?: string): InstanceRefusedError {
  const reason = reasonOf(text);
  const say = (message: string) => new InstanceRefusedError(status, message, reason);
  if (status === 404) return say(reason ?? 'the instance has no such thing');
  if (status === 403) {
    const from = tokenSource ? ` (the admin token is read from ${tokenSource})` : '';
    return say(`the instance refused: ${reason ?? 'not allowed'}${from}`);
  }
  if (status === 503) {
    const maintenance = maintenanceReason(text);
    if (maintenance) return say(`the instance is under maintenance: ${maintenance}`);
    return say(`the instance cannot answer now: ${reason ?? 'try again later'}`);
  }
  if (status >= 500) return say(`the instance failed to answer (${status}): ${reason ?? 'see its log'}`);
  return say(`the instance refused the request: ${reason ?? `status ${status}`}`);
}

/** The first thing wrong in an answer: `tasks.0.state: Invalid option ...`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid'}`;
}

/** The error for an answer to `what` that does not fit its schema. */
export function unexpectedAnswer(what: string, detail: string): InstanceAnswerError {
  return new InstanceAnswerError(
    `the instance answered ${what} with something unexpected (${detail}); is it a different version of Coin?`,
  );
}
