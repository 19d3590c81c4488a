/**
 * One run of the update procedure of a profile's instance, in the background: the steps of
 * update-steps.ts in order, each with its state, one sentence, the last lines of its output and
 * its times. The first step that fails ends the run; its sentence says what happened, in what
 * state the instance is left and what to do. Readable while it runs and after it ended.
 */
import type { UpdateProgress, UpdateStep } from '../../common/maintenance-contract';
import type { InstanceSession } from '../instances/instance-session';
import { StepFailure, updateSteps, type StepIo, type StepSpec, type UpdateTarget } from './update-steps';

/** Output lines kept per step. */
export const maxOutputLines = 200;

/** The progress of a profile that has not run an update (since the app started). */
export function idleProgress(profileId: string): UpdateProgress {
  return {
    profileId,
    kind: 'update',
    state: 'idle',
    note: null,
    canRollback: false,
    from: null,
    to: null,
    steps: updateSteps.map((spec) => pendingStep(spec)),
    startedAt: null,
    finishedAt: null,
  };
}

function pendingStep(spec: StepSpec, kind: UpdateProgress['kind'] = 'update'): UpdateStep {
  return {
    id: spec.id,
    title: (kind === 'rollback' && spec.backTitle) || spec.title,
    state: 'pending',
    detail: '',
    output: [],
    startedAt: null,
    finishedAt: null,
  };
}

/** What a run needs besides its target. */
export interface UpdateRunDeps {
  /** The profile's session, asked for at each step. */
  session(): Promise<InstanceSession>;
  /** Called before each step starts (tests use it to change the world at a known moment). */
  beforeStep?(step: UpdateStep['id']): void | Promise<void>;
  /** Called with the progress whenever a step starts or ends, and when the run ends (it is kept on disk). */
  changed?(progress: UpdateProgress): void | Promise<void>;
}

/** A run of the procedure; `run()` resolves when it ended (it never rejects). */
export class UpdateRun {
  private readonly progress: UpdateProgress;

  /**
   * A new run of `target`, or, with `resumed` (the progress of a run the app stopped during), the
   * same run again from the first step that neither was done nor skipped.
   */
  constructor(
    profileId: string,
    private readonly target: UpdateTarget,
    private readonly deps: UpdateRunDeps,
    resumed?: UpdateProgress,
  ) {
    const kind = target.direction === 'back' ? 'rollback' : 'update';
    this.progress = resumed
      ? { ...resumed, state: 'running', note: null, canRollback: false, finishedAt: null }
      : {
          ...idleProgress(profileId),
          kind,
          steps: updateSteps.map((spec) => pendingStep(spec, kind)),
          state: 'running',
          from: target.from,
          to: target.to,
          startedAt: new Date().toISOString(),
        };
  }

  /** True until the run has ended. */
  get running(): boolean {
    return this.progress.state === 'running';
  }

  /** A copy of where the run is. */
  snapshot(): UpdateProgress {
    return {
      ...this.progress,
      steps: this.progress.steps.map((step) => ({ ...step, output: [...step.output] })),
    };
  }

  /** Runs the steps in order (those not done yet) until one fails. */
  async run(): Promise<void> {
    for (const spec of updateSteps) {
      const { state } = this.step(spec.id);
      if (state === 'done' || state === 'skipped') continue;
      if (!(await this.runStep(spec))) return this.finish('failed');
    }
    await this.finish('done');
  }

  private async runStep(spec: StepSpec): Promise<boolean> {
    const step = this.step(spec.id);
    const io = this.ioFor(step);
    try {
      await this.deps.beforeStep?.(spec.id);
      Object.assign(step, { state: 'running', startedAt: new Date().toISOString(), finishedAt: null });
      await this.changed();
      const outcome = await spec.run(io, this.target);
      this.end(step, outcome.state, outcome.detail);
      await this.changed();
      return true;
    } catch (error) {
      const what =
        error instanceof StepFailure ? error.message : `unexpected error: ${(error as Error).message}`;
      this.end(step, 'failed', `${sentence(what)} ${spec.afterFailure(io, this.target)}`);
      await this.changed();
      return false;
    }
  }

  // Keeping the progress on disk must not end the run: a failed write is told on the step's output.
  private async changed(): Promise<void> {
    try {
      await this.deps.changed?.(this.snapshot());
    } catch (error) {
      const running = this.progress.steps.find((s) => s.state === 'running');
      if (running)
        this.append(running, `could not keep the update's state on disk: ${(error as Error).message}`);
    }
  }

  private ioFor(step: UpdateStep): StepIo {
    return {
      session: () => this.deps.session(),
      output: (text) => this.append(step, text),
      stateOf: (id) => this.step(id).state,
    };
  }

  private append(step: UpdateStep, text: string): void {
    const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
    step.output = [...step.output, ...lines].slice(-maxOutputLines);
  }

  private end(step: UpdateStep, state: UpdateStep['state'], detail: string): void {
    Object.assign(step, { state, detail, finishedAt: new Date().toISOString() });
    step.startedAt ??= step.finishedAt;
  }

  private async finish(state: 'done' | 'failed'): Promise<void> {
    const codeMoved = this.step('pull').state === 'done';
    Object.assign(this.progress, {
      state,
      finishedAt: new Date().toISOString(),
      canRollback: this.progress.kind === 'update' && codeMoved,
    });
    await this.changed();
  }

  private step(id: UpdateStep['id']): UpdateStep {
    return this.progress.steps.find((s) => s.id === id)!;
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
