/**
 * Instruction types that need systems a Coin Admin instance does not have. They fail, saying
 * what is missing, so a configuration that reaches them never passes by doing nothing.
 */
import { InstructionFailure } from '../instruction-failure';
import { optionalField, type Step } from './handler-kit';

/** SignPackage: signing needs Coin's signing service and the Qt Company's certificates. */
export async function signPackage(step: Step): Promise<void> {
  const dir = optionalField(step, 'directory') ?? '(no directory)';
  throw new InstructionFailure(
    `SignPackage of ${dir} needs a code-signing service with the release certificates, which this instance does not have`,
    'system',
  );
}

/** UpdateRepo: asks Coin to fetch the newest refs of repositories into its mirror, which needs that mirror service. */
export async function updateRepo(step: Step): Promise<void> {
  const repos = step.instruction.fields.repos;
  const names = Array.isArray(repos) ? repos.map(String).join(', ') : String(repos);
  throw new InstructionFailure(
    `UpdateRepo of ${names} needs Coin's repository mirror service, which this instance does not have`,
    'system',
  );
}
