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

export function consoleLogger(output: Output = process.stdout, pretty = output.isTTY === true): Logger {
  return (record) => {
    const time = new Date().toISOString();
    if (!pretty) {
      output.write(`${JSON.stringify({ time, ...record })}\n`);
      return;
    }
    const { level, msg, ...fields } = record;
    const rest = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`);
    output.write(`${time.slice(11, 23)} ${level.padEnd(5)} ${msg} ${rest.join(' ')}\n`.replace(/ \n$/, '\n'));
  };
}
