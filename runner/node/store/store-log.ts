/** Where the store reports what a person may want to know (a stale lock, a corrupt artifact). */
export interface StoreLog {
  info(message: string): void;
  warn(message: string): void;
}

/** A StoreLog that drops everything (the default; pass a pino logger to see the messages). */
export const silentLog: StoreLog = { info: () => undefined, warn: () => undefined };
