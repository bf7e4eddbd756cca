/** The in-memory state keeps the state aggregate's contract (test/support/state-contract.ts). */
import { memoryState } from '../../src/state/index.js';
import { describeStateContract } from '../support/state-contract.js';

describeStateContract('memory', async () => memoryState({ journalSize: 500, replayCapacity: 100 }));
