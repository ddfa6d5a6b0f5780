/**
 * One listener on an AbortSignal, shared by every operation of a round: `race(promise)` settles with the
 * promise, or rejects with the signal's reason as soon as the signal is aborted (the operation itself is left
 * to finish in the background, bounded by its own timeout). `dispose()` removes the listener.
 */
export interface AbortRace {
  race<T>(promise: Promise<T>): Promise<T>;
  dispose(): void;
}

export function abortRace(signal: AbortSignal | undefined): AbortRace {
  if (!signal) return { race: (promise) => promise, dispose: () => undefined };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined); // observed through race(); an abort nobody raced against is not an error
  return {
    race: <T>(promise: Promise<T>): Promise<T> => {
      promise.catch(() => undefined); // if the abort wins, the abandoned operation's failure no longer matters
      return Promise.race([promise, aborted]);
    },
    dispose: () => {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}
