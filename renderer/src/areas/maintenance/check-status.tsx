import type { CheckStatus } from '../../../../electron/common/maintenance-contract';

const marks: Record<CheckStatus, { symbol: string; text: string }> = {
  ok: { symbol: '✔', text: 'OK' },
  warn: { symbol: '▲', text: 'Warning' },
  fail: { symbol: '✖', text: 'Problem' },
  skipped: { symbol: '–', text: 'Not checked' },
};

/** A check's outcome as a coloured mark with its word (never colour alone). */
export function CheckMark({ status }: { status: CheckStatus }) {
  const mark = marks[status];
  return (
    <span className={`check-mark check-${status}`} data-status={status}>
      <span aria-hidden="true">{mark.symbol}</span> {mark.text}
    </span>
  );
}
