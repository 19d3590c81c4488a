/** How the page knows a runner serves it, and what the runner said when it served it. */

/** True when the page was served by a runner (its index.html carries the marker). */
export function servedByRunner(doc: Document): boolean {
  return doc.querySelector('meta[name="coin-dashboard"]')?.getAttribute('content') === 'runner';
}

/**
 * The newest event sequence number when the runner served the page: the event stream starts
 * there, so nothing that happens while the page loads its data is missed.
 */
export function servedAtSeq(doc: Document): number | undefined {
  const value = Number(
    doc.querySelector('meta[name="coin-event-seq"]')?.getAttribute('content') ?? Number.NaN,
  );
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The event stream that seq belongs to (runner/node/store/event-stream.ts), if the page says. */
export function servedAtStream(doc: Document): string | undefined {
  return doc.querySelector('meta[name="coin-event-stream"]')?.getAttribute('content') || undefined;
}
