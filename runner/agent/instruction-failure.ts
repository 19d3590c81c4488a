/** Why an instruction failed, and whether it was the build/test or the system. */
import type { FailureKind } from '../core/agent-protocol';

/** Thrown by an instruction handler; the executor turns it into the work item's failure. */
export class InstructionFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind = 'build',
  ) {
    super(message);
    this.name = 'InstructionFailure';
  }
}
