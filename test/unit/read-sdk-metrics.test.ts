import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readSdkMetrics } from '../../src/metrics/read-sdk-metrics';

/** A loopback server answering every request with `handler`; closed after the test. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('readSdkMetrics (the Temporal SDK exporter, read for each /metrics scrape)', () => {
  it('returns the whole text, however many chunks it comes in', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `temporal_metric_${i} ${i}\n`);
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (const line of lines) response.write(line);
      response.end();
    });
    try {
      expect(await readSdkMetrics(server.url, 2000)).toBe(lines.join(''));
    } finally {
      await server.close();
    }
  });

  it('returns undefined for an answer other than 200', async () => {
    const server = await serve((_request, response) => response.writeHead(503).end('busy'));
    try {
      expect(await readSdkMetrics(server.url, 2000)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('returns undefined when nothing listens', async () => {
    const server = await serve(() => {});
    const { url } = server;
    await server.close();
    expect(await readSdkMetrics(url, 2000)).toBeUndefined();
  });

  it('gives up at the deadline on an exporter that sends part of its text and stalls', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('temporal_partial 1\n');
    });
    try {
      const started = Date.now();
      expect(await readSdkMetrics(server.url, 300)).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await server.close();
    }
  });
});
