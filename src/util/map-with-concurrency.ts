/**
 * Maps items through an async function with at most `limit` calls in flight, keeping the input order in the
 * result. Stops starting new calls once the signal is aborted (and then rejects with its reason); the first
 * rejection of `fn` rejects the whole map after the calls in flight have settled.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`concurrency must be at least 1, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      if (signal?.aborted) {
        failure ??= { error: signal.reason };
        return;
      }
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  if (signal?.aborted) throw signal.reason;
  return results;
}
