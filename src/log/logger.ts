/**
 * Structured logs: a Logger is a function that takes one record. The console logger writes one
 * line per record, aligned text on a terminal and JSON otherwise (for log collectors). Callers
 * choose what goes into a record, and never put secrets or client assertions there.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined;

export interface LogRecord {
  level: LogLevel;
  msg: string;
  [field: string]: LogValue;
}

export type Logger = (record: LogRecord) => void;

export const quietLogger: Logger = () => {};

interface Output {
  write(line: string): unknown;
  isTTY?: boolean;
}

/** The pending lines of every console logger, written when the process exits. */
const unwritten = new Set<() => void>();
let flushAtExit = false;

/**
 * Gathers lines and writes them once per turn of the event loop: stdout to a pipe or a file is a
 * synchronous write on Linux, and one per request cost about a tenth of a token's CPU. A turn
 * serves a few requests (server/request-queue.ts), so lines appear within a millisecond. Whatever
 * is pending is written at exit, an uncaught error's included.
 */
function batchedWriter(output: Output): (line: string) => void {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    output.write(text);
  };
  unwritten.add(flush);
  if (!flushAtExit) {
    flushAtExit = true;
    process.on('exit', () => unwritten.forEach((f) => f()));
  }
  return (line) => {
    if (pending === '') setImmediate(flush);
    pending += line;
    if (pending.length > 64 * 1024) flush();
  };
}

export function consoleLogger(output: Output = process.stdout, pretty = output.isTTY === true): Logger {
  const write = batchedWriter(output);
  return (record) => {
    const time = new Date().toISOString();
    if (!pretty) {
      write(`${JSON.stringify({ time, ...record })}\n`);
      return;
    }
    const { level, msg, ...fields } = record;
    const rest = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`);
    write(`${time.slice(11, 23)} ${level.padEnd(5)} ${msg} ${rest.join(' ')}\n`.replace(/ \n$/, '\n'));
  };
}
