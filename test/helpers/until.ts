// Waiting in tests for what another process does.

/** Poll `check` every 100 ms until it gives a value; the error shows the end of `output`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  output: () => string,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
