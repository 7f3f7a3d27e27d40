/**
 * Waits for `work` until `signal` is aborted, whichever comes first: its value, or undefined once
 * aborted. The abort listener is removed as soon as either happens, so a stop that waits for many
 * things on one signal leaves no listener behind (and Node no leak warning).
 */
export async function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return work;
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
