/**
 * Ends the process with `code` once everything written to stdout and stderr has left it. `process.exit`
 * alone drops what is still queued for a pipe (all past the first 64 KiB of `pipeline dlq list --json | jq`);
 * a write's callback runs after every earlier write has been handed over, so the exit waits for those.
 * The exit stays hard, so a client library's idle timer cannot keep a finished command alive.
 */
export function exitWhenDrained(code: number): void {
  process.exitCode = code;
  const streams = [process.stdout, process.stderr];
  let pending = streams.length;
  for (const stream of streams) {
    const done = () => {
      if (--pending === 0) process.exit(code);
    };
    if (stream.destroyed || !stream.writable) done();
    else stream.write('', done);
  }
}
