/**
 * Lets the event loop run everything that is waiting (sockets, timers) before continuing: long
 * jobs (imports, exports) call it between chunks so a webhook never waits behind them for long.
 * A resolved promise is not enough: microtasks run before I/O.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
