/** The one rule for numeric options: a safe whole number, at least `min`. */
import { OptionError } from './errors.js';

/** `value`, or `fallback` when it is not given; refused unless a whole number of at least `min`. */
export function wholeNumber(name: string, value: number | undefined, fallback: number, min = 0): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) throw OptionError.at(name, `must be a whole number of at least ${min}, got ${String(value)}`);
  return v;
}
