/**
 * The shared state (Redis) could not answer in time: the server is unreachable, the connection was
 * lost, or a command timed out. A request that needs the state fails with this, and the app answers
 * it with a documented 500 (refusal code state.unavailable) instead of a hang or a crash.
 */
export class StateUnavailableError extends Error {
  override name = 'StateUnavailableError';

  constructor(readonly reason: string) {
    super(`the shared state is unavailable: ${reason}`);
  }
}
