/**
 * Errors an instance's operations throw for what a caller asked wrongly, in the instance's own
 * terms; the web server maps them to HTTP statuses (runner/node/server), the CLI to exit codes.
 */

/** Why a request to the instance cannot be done. */
export type RequestProblem = 'invalid' | 'not-found' | 'conflict';

/** A request the instance refuses, with one readable line for the person who made it. */
export class InstanceRequestError extends Error {
  constructor(
    readonly problem: RequestProblem,
    message: string,
  ) {
    super(message);
    this.name = 'InstanceRequestError';
  }
}

/** The request is malformed or names things that do not exist in its input (a bad ref, a bad file). */
export function invalidRequest(message: string): InstanceRequestError {
  return new InstanceRequestError('invalid', message);
}
