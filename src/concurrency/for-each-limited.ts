/**
 * Runs `work` over `items` with at most `limit` at once, in the items' order of starting, and settles
 * when all are done; the first failure rejects (work already started still runs to its end).
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
