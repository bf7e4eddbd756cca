/**
 * Promises already settled, shared: the in-memory parts answer through a promise (so that a
 * shared store can replace them) without allocating one per call on the token path.
 */
export const DONE: Promise<void> = Promise.resolve();
export const TRUE: Promise<boolean> = Promise.resolve(true);
export const FALSE: Promise<boolean> = Promise.resolve(false);
export const NONE: Promise<undefined> = Promise.resolve(undefined);
