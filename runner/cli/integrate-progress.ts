/**
 * What `coin integrate --wait` says while it waits (on stderr): a line when a work item starts
 * and when it ends (with how long it ran, and for a failure what failed), each stamped with the
 * time since the wait began; on a terminal also one status line, redrawn in place, naming what
 * runs and for how long, so a long build never looks stuck; at the end a summary.
 */
import { failureHeadline } from '../core/failure-classification';
import { isFinalTaskState } from '../core/model';
import type { TaskDetail, WorkItemRecord } from '../core/instance-api';
import { failuresOf } from '../core/task-summary';
import { formatSeconds, workItemTitle } from './task-view';

/** Where the progress goes: lines, and (on a terminal) the status line written raw. */
export interface ProgressOutput {
  line(text: string): void;
  raw(text: string): void;
  /** True on a terminal: the status line is drawn. */
  live: boolean;
}

/** `1:05`: minutes and seconds since the wait began. */
function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function ran(item: WorkItemRecord): string {
  if (!item.started || !item.finished) return '';
  return ` in ${formatSeconds(Date.parse(item.finished) - Date.parse(item.started))}`;
}

/** Follows one task's work items through successive task details. */
export class IntegrationProgress {
  private readonly seen = new Map<string, WorkItemRecord['state']>();
  private statusShown = '';
  private readonly startedMs: number;

  constructor(
    private readonly output: ProgressOutput,
    private readonly now: () => number = Date.now,
  ) {
    this.startedMs = now();
  }

  /** Say what changed since the last detail, and redraw the status line. */
  update(detail: TaskDetail): void {
    for (const item of detail.workItems) {
      const before = this.seen.get(item.id);
      this.seen.set(item.id, item.state);
      if (before === item.state) continue;
      const said = this.changeText(item, detail);
      if (said) this.say(said);
    }
    this.drawStatus(detail);
  }

  /** Clear the status line and say how the task ended. */
  finish(detail: TaskDetail): void {
    this.clearStatus();
    this.output.line(`[${clock(this.now() - this.startedMs)}] ${summaryText(detail)}`);
  }

  private changeText(item: WorkItemRecord, detail: TaskDetail): string | undefined {
    const title = workItemTitle(item);
    switch (item.state) {
      case 'Queued':
        return undefined;
      case 'Running':
        return `▶ ${title} started${item.agentId ? ` on ${item.agentId}` : ''}`;
      case 'Done':
        return item.reused ? `♻ ${title} reused an earlier build` : `✔ ${title} done${ran(item)}`;
      case 'Failed':
      case 'Insignificant': {
        const failure = failuresOf(detail).find((f) => f.workItemId === item.id);
        const why = failure ? `: ${failureHeadline(failure)}` : '';
        return `✖ ${title} ${item.state === 'Failed' ? 'failed' : 'failed (insignificant)'}${ran(item)}${why}`;
      }
      case 'Cancelled':
        return `⊘ ${title} cancelled${item.failureReason ? `: ${item.failureReason}` : ''}`;
    }
  }

  private say(text: string): void {
    this.clearStatus();
    this.output.line(`[${clock(this.now() - this.startedMs)}] ${text}`);
  }

  private drawStatus(detail: TaskDetail): void {
    if (!this.output.live || isFinalTaskState(detail.task.state)) return;
    const nowMs = this.now();
    const running = detail.workItems.filter((w) => w.state === 'Running');
    const parts = running.map(
      (w) => `${workItemTitle(w)} ${clock(nowMs - Date.parse(w.started ?? new Date(nowMs).toISOString()))}`,
    );
    const waiting = detail.workItems.filter((w) => w.state === 'Queued').length;
    const text =
      `[${clock(nowMs - this.startedMs)}] ` +
      (parts.length ? `running: ${parts.join(', ')}` : 'nothing runs yet') +
      (waiting ? ` (${waiting} queued)` : '');
    if (text === this.statusShown) return;
    this.output.raw(`\r\x1b[K${text}`);
    this.statusShown = text;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.output.raw('\r\x1b[K');
    this.statusShown = '';
  }
}

/** `Task 98ba1772 Failed after 3.4 s: 2 work items, 1 done (1 reused), 1 failed: Test failure: ...`. */
export function summaryText(detail: TaskDetail): string {
  const { task, workItems } = detail;
  const count = (state: WorkItemRecord['state']) => workItems.filter((w) => w.state === state).length;
  const reused = workItems.filter((w) => w.reused).length;
  const parts = [`${workItems.length} work item${workItems.length === 1 ? '' : 's'}`];
  parts.push(`${count('Done')} done${reused ? ` (${reused} reused)` : ''}`);
  if (count('Failed')) parts.push(`${count('Failed')} failed`);
  if (count('Cancelled')) parts.push(`${count('Cancelled')} cancelled`);
  const lead = failuresOf(detail)[0];
  const time =
    task.started && task.finished
      ? ` after ${formatSeconds(Date.parse(task.finished) - Date.parse(task.started))}`
      : '';
  return `Task ${task.id.slice(0, 8)} ${task.state}${time}: ${parts.join(', ')}${lead ? `. ${failureHeadline(lead)}` : ''}`;
}
