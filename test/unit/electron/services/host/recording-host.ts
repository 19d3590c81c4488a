/** A Host for unit tests: records every command and answers from a script of canned results. */
import type { CommandResult, Host } from '../../../../../electron/services/host/host';

/** One scripted answer: the first whose `match` equals the command line answers it. */
export interface ScriptedAnswer {
  match: string;
  result: Partial<CommandResult>;
}

/** A host whose `run` answers from `script`; anything else throws. */
export class RecordingHost implements Host {
  readonly description = 'recording host';
  readonly commands: string[] = [];

  constructor(private readonly script: ScriptedAnswer[]) {}

  /** Records argv (joined by spaces) and returns the scripted answer. */
  async run(argv: readonly string[]): Promise<CommandResult> {
    const line = argv.join(' ');
    this.commands.push(line);
    const answer = this.script.find((a) => a.match === line);
    if (!answer) throw new Error(`unexpected command: ${line}`);
    return { code: 0, signal: null, stdout: '', stderr: '', ...answer.result };
  }

  stream(): never {
    throw new Error('not scripted');
  }
  readFile(): never {
    throw new Error('not scripted');
  }
  writeFileAtomic(): never {
    throw new Error('not scripted');
  }
  forwardPort(): never {
    throw new Error('not scripted');
  }
  async close(): Promise<void> {}
}
