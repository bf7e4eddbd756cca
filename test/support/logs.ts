/** A logger that keeps its records, and lets a test wait for one. */
import type { Logger, LogRecord } from '../../src/log/logger.js';

export interface CapturedLogs {
  logger: Logger;
  records: LogRecord[];
  /** Resolves with the first record from now on that satisfies the predicate. */
  next(predicate: (r: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
}

export function captureLogs(): CapturedLogs {
  const records: LogRecord[] = [];
  const waiters = new Set<{ predicate: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }>();
  return {
    records,
    logger: (record) => {
      records.push(record);
      for (const w of waiters) {
        if (!w.predicate(record)) continue;
        waiters.delete(w);
        w.resolve(record);
      }
    },
    next: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching log record in time')), timeoutMs);
        waiters.add({ predicate, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      }),
  };
}
