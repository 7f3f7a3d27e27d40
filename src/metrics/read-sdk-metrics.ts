import http from 'node:http';

/**
 * The Temporal SDK's metrics text from its loopback exporter, or undefined when it does not answer
 * 200 with the whole text within `timeoutMs`.
 *
 * Read with node:http, not fetch: fetch's HTTP parser is WebAssembly, and compiling it on the first
 * scrape took about 30 MB for a moment, which was the sink worker's peak resident memory.
 */
export function readSdkMetrics(url: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        finish(undefined);
        return;
      }
      response.setEncoding('utf8');
      let text = '';
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => finish(text));
      response.on('error', () => finish(undefined));
    });
    const deadline = setTimeout(() => request.destroy(), timeoutMs);
    request.on('error', () => finish(undefined));
    request.on('close', () => finish(undefined));
    function finish(text: string | undefined): void {
      clearTimeout(deadline);
      resolve(text);
    }
  });
}
