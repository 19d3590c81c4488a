/** Waiting for work that a signal may cut short. */

/**
 * Resolves as `work` does, or rejects with the signal's reason as soon as it is aborted (at once
 * when it already is). The work itself goes on unwatched: use it for steps that are safe to
 * abandon (a remote call), never for one that takes something it must give back (a lock).
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Settling after an abort is a no-op; an abandoned failure is thereby handled, not unhandled.
    work.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
}
