import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { writeBatch } from '../../src/workflows/write-batch';
import { connectTemporal } from '../../src/pipeline/clients';
import { runWorker } from '../../src/workers/run-worker';
import { compiledEntry } from '../support/compiled';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { uniqueName } from '../support/stack-addresses';

/** The inline source map of a bundle, decoded. */
function inlineSourceMap(code: string): { sources: string[]; mappings: string; sourcesContent?: unknown } {
  const at = code.lastIndexOf('//# sourceMappingURL=data:');
  expect(at).toBeGreaterThan(0);
  return JSON.parse(Buffer.from(code.slice(code.indexOf('base64,', at) + 'base64,'.length).trim(), 'base64').toString('utf8'));
}

describe('the built workflow bundle (dist/workflow-bundle.js)', () => {
  let pipeline: IsolatedPipeline;
  let bundlePath: string;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    bundlePath = path.join(path.dirname(await compiledEntry('workers/sink-worker')), '..', 'workflow-bundle.js');
    pipeline = await IsolatedPipeline.create();
  });

  afterAll(async () => {
    for (const worker of running.reverse()) await worker.stop().catch(() => undefined);
    await pipeline?.close();
  }, 60_000);

  it('maps workflow code to the TypeScript sources without carrying their text', () => {
    const map = inlineSourceMap(fs.readFileSync(bundlePath, 'utf8'));
    expect(map.sources.some((source) => source.endsWith(path.join('src', 'workflows', 'write-batch.ts')))).toBe(true);
    expect(map.mappings.length).toBeGreaterThan(1000);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('gives a running workflow a stack trace in the TypeScript sources', async () => {
    const { config } = pipeline;
    const temporal = await connectTemporal(config.temporal);
    running.push({ stop: () => temporal.connection.close() });
    const taskQueue = uniqueName('bundle');
    const worker = await Worker.create({ connection: temporal.connection, namespace: config.temporal.namespace, taskQueue, workflowBundle: { codePath: bundlePath } });
    running.push(runWorker(worker));
    // Its write waits on a task queue nobody polls, so the workflow stays where it is.
    const handle = await temporal.client.workflow.start(writeBatch, {
      taskQueue,
      workflowId: uniqueName('bundle-stack'),
      args: [{ batchId: 'stack', topic: config.kafka.topic, partition: 0, firstOffset: '0', lastOffset: '0', rowCount: 1, holderTaskQueue: uniqueName('nobody') }],
    });
    try {
      const stack = await waitFor('the workflow to wait on its write', async () => {
        const trace = await handle.query<string>('__stack_trace').catch(() => '');
        return /write-batch\.ts:\d+:\d+/.test(trace) ? trace : undefined;
      }, 30_000, 500);
      expect(stack).toMatch(/at writeBatch \(.*src\/workflows\/write-batch\.ts:\d+:\d+\)/);
    } finally {
      await handle.terminate('test done');
    }
  });
});
