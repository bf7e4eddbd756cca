/**
 * Loaded into the soak's server process (node --expose-gc --import): asked "heap" over the IPC
 * channel, it runs a full GC and answers the heap still in use. Resident memory says when V8
 * gives pages back to the kernel, not whether anything leaked; the retained heap says the latter.
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('heap-probe: run with node --expose-gc and an IPC channel');

process.on('message', (message) => {
  if (message !== 'heap') return;
  gc();
  process.send!({ heapUsedBytes: process.memoryUsage().heapUsed });
});
