/**
 * Resolves with `work`. When it takes longer than a second, says once on stderr which server the
 * command is waiting for, so a server that is down is named instead of the command looking hung.
 */
export async function waitingOn<T>(server: string, work: Promise<T>, afterMs = 1000): Promise<T> {
  const timer = setTimeout(() => console.error(`waiting for ${server}…`), afterMs);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}
