import http from 'node:http';
import type { GcTotals } from './gc-pauses';
import type { PipelineCounters } from './pipeline-counters';
import { renderPrometheus } from './prometheus';
import { readSdkMetrics } from './read-sdk-metrics';

/**
 * Serves GET /metrics: the pipeline's own metrics followed by the Temporal SDK runtime's, which the
 * SDK exports on an internal loopback port and this server appends, so one scrape gets both.
 */
export async function startMetricsServer(options: { port: number; host?: string; counters: PipelineCounters; topic: string; sdkMetricsUrl?: string; gc?: GcTotals }): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    let body = renderPrometheus(options.counters, { topic: options.topic }, process.memoryUsage(), options.gc);
    if (options.sdkMetricsUrl) {
      body += (await readSdkMetrics(options.sdkMetricsUrl, 2000)) ?? '# Temporal SDK metrics unavailable\n';
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
