/**
 * The replay store after a million distinct jti values, in a process of its own (started with
 * --expose-gc): records keys built as the sandbox builds them (client_id NUL jti, the jti a flat
 * string from the assertion's JSON) that stay unexpired, so that the capacity bound is what keeps
 * memory in check, and prints JSON with the heap retained after a full GC at each checkpoint.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULTS } from '../src/settings/defaults.js';
import { memoryReplayStore } from '../src/state/replay-store.js';
import { peakRssMb } from './proc.js';

export interface ReplayMemoryReport {
  keys: number;
  capacity: number;
  entries: number;
  seconds: number;
  /** Heap retained above the empty store's, after a full GC, at each checkpoint (MB). */
  retainedMb: { keys: number; mb: number }[];
  maxRetainedMb: number;
  /** Peak RSS (VmHWM) above the RSS at start, garbage included (MB). */
  rssGrowthMb: number;
}

const MB = 1024 * 1024;

function retainedHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  return process.memoryUsage().heapUsed;
}

const keys = Number(process.argv[2] ?? 1_000_000);
const checkpoints = 10;
const store = memoryReplayStore(DEFAULTS.replayCapacity);
const startRss = process.memoryUsage().rss;
const baseline = retainedHeap();
const now = Date.now();
const expiresAt = now + 3_600_000;
const retainedMb: ReplayMemoryReport['retainedMb'] = [];

const started = performance.now();
for (let i = 1; i <= keys; i++) {
  // randomUUID() builds its string from many pieces; the sandbox's jti comes out of JSON.parse.
  const jti = JSON.parse(`"${randomUUID()}"`) as string;
  if (!(await store.useOnce(`sandbox-pkjwt\u0000${jti}`, expiresAt, now))) throw new Error('a fresh jti was refused');
  if (i % (keys / checkpoints) === 0) {
    retainedMb.push({ keys: i, mb: (retainedHeap() - baseline) / MB });
  }
}
const seconds = (performance.now() - started) / 1000;

const report: ReplayMemoryReport = {
  keys,
  capacity: DEFAULTS.replayCapacity,
  entries: store.size,
  seconds,
  retainedMb,
  maxRetainedMb: Math.max(...retainedMb.map((c) => c.mb)),
  rssGrowthMb: peakRssMb('self') - startRss / MB,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
