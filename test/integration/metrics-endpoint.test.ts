import { spawn } from 'node:child_process';
import { fetchApiUsers } from '../support/api-users';
import { createSourceClient } from '../../src/source/client';
import { toUserRecord } from '../../src/record/user-record';
import { compiledEntry } from '../support/compiled';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';

describe('sink worker process (npm run worker:sink)', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create();
    await pipeline.prepare();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('serves Prometheus metrics with the pipeline\'s and the Temporal SDK\'s, and stops cleanly on SIGTERM', async () => {
    const port = 19000 + Math.floor(Math.random() * 400) * 2;
    const worker = spawn(process.execPath, [await compiledEntry('workers/sink-worker')], {
      env: { ...process.env, ...pipeline.commandEnv(), METRICS_PORT: String(port), KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (d) => (output += d));
    worker.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    try {
      await waitFor('the worker to start', async () => output.includes('sink worker running'), 60_000);
      expect(output).toContain(`metrics at http://127.0.0.1:${port}/metrics`);

      const now = new Date();
      const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
      const records = (await fetchApiUsers(source, { results: 25, seed: 'metrics', page: 1 })).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
      const producer = pipeline.kafka.producer();
      await producer.connect();
      await producer.send({ topic: pipeline.config.kafka.topic, messages: [...records.map((r) => ({ key: r.id, value: JSON.stringify(r) })), { key: 'bad', value: 'not json' }] });
      await producer.disconnect();
      await pipeline.waitForDrain();

      const metrics = await waitFor('metrics to show the rows', async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /^pipeline_rows_written_total 25$/m.test(text) && /pipeline_consumer_lag_messages\{[^}]*\} 0/.test(text) ? text : undefined;
      }, 30_000, 500);
      expect(metrics).toMatch(/^pipeline_dead_letters_total 1$/m);
      expect(metrics).toMatch(/^pipeline_batch_size_records_count [1-9]\d*$/m);
      expect(metrics).toMatch(/^pipeline_batch_write_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^# TYPE pipeline_batch_write_seconds histogram$/m);
      expect(metrics).toMatch(/^temporal_\w+/m); // the SDK's own runtime metrics, on the same endpoint
      // Its batches were written by the process that holds them, none from a re-read of Kafka.
      expect(metrics).toMatch(/^pipeline_batches_reread_total 0$/m);
      // Caught up: the batch size is at its floor (BATCH_MIN_RECORDS), and the process's memory is there.
      expect(metrics).toMatch(/^pipeline_batch_target_records 500$/m);
      const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(metrics)?.[1]);
      expect(rss).toBeGreaterThan(50 * 1024 * 1024);
      expect(metrics).toMatch(/^nodejs_heap_size_used_bytes \d+$/m);
      // The collector's pauses since the start: a worker that started and wrote rows has scavenged.
      expect(Number(/^nodejs_gc_pauses_total\{kind="minor"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(metrics).toMatch(/^nodejs_gc_pause_seconds_total\{kind="major"\} [\d.e-]+$/m);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: sink worker finishing in-flight work');
  });
});
