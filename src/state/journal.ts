/** The request journal: the most recent requests, oldest first, within a fixed capacity. */
import type { components } from '../generated/sandbox.js';
import { DONE } from './settled.js';

export type JournalEntry = components['schemas']['JournalEntry'];

export interface Journal {
  /** Adds an entry, numbering it; the oldest entry goes when the journal is full. */
  record(entry: Omit<JournalEntry, 'id'>): Promise<void>;
  /** A copy, oldest first. */
  list(): Promise<JournalEntry[]>;
  clear(): Promise<void>;
}

export function memoryJournal(capacity: number): Journal {
  let entries: JournalEntry[] = [];
  let lastId = 0;
  return {
    record(entry) {
      entries.push({ id: ++lastId, ...entry });
      if (entries.length > capacity) entries.shift();
      return DONE;
    },
    list: () => Promise.resolve([...entries]),
    clear() {
      entries = [];
      return DONE;
    },
  };
}
