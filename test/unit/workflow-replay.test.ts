import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { workflowCode } from '../../src/workers/run-worker';
import { compiledEntry } from '../support/compiled';

const ROOT = path.resolve(__dirname, '..', '..');

const HISTORIES = path.resolve(__dirname, '..', 'fixtures', 'histories');

/**
 * Recorded histories of real runs (see scripts/record-histories.ts, and scripts/record-parted-slot-history.ts
 * for a slot whose page came in parts) replayed against today's workflow
 * code: a change that would break running workflows (non-determinism) fails here.
 */
describe('workflow determinism', () => {
  const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort();

  it('has recorded histories of both workflows', () => {
    const types = files.map((f) => f.split('.')[0]);
    expect(types).toEqual(expect.arrayContaining(['ingestSlot', 'writeBatch']));
  });

  it('replays every recorded history without a determinism error', async () => {
    const histories = files.map((file) => ({
      workflowId: file,
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'))),
    }));
    const results = Worker.runReplayHistories({ workflowsPath: require.resolve('../../src/workflows') }, histories);
    let replayed = 0;
    for await (const result of results) {
      expect({ workflowId: result.workflowId, error: result.error?.message }).toEqual({ workflowId: result.workflowId, error: undefined });
      replayed++;
    }
    expect(replayed).toBe(files.length);
  });
});

describe('the workflow bundle the build ships (dist/workflow-bundle.js)', () => {
  it('is what the compiled workers load by default and a worker given WORKFLOW_BUNDLE_PATH loads, and it replays the recorded histories', async () => {
    await compiledEntry('workers/sink-worker');
    const bundle = path.join(ROOT, 'dist', 'workflow-bundle.js');
    // The compiled run-worker picks the bundle built beside it; run from source it bundles src/workflows.
    const compiled = require(path.join(ROOT, 'dist', 'workers', 'run-worker.js')) as typeof import('../../src/workers/run-worker');
    expect(compiled.workflowCode(loadPipelineConfig({}))).toEqual({ workflowBundle: { codePath: bundle } });
    expect(workflowCode(loadPipelineConfig({}))).toEqual({ workflowsPath: require.resolve('../../src/workflows') });
    const code = workflowCode(loadPipelineConfig({ WORKFLOW_BUNDLE_PATH: bundle }));
    expect(code).toEqual({ workflowBundle: { codePath: bundle } });

    const histories = path.join(ROOT, 'test', 'fixtures', 'histories');
    const files = fs.readdirSync(histories).filter((f) => f.endsWith('.json'));
    const results = Worker.runReplayHistories(
      code,
      files.map((file) => ({ workflowId: file, history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(histories, file), 'utf8'))) })),
    );
    let replayed = 0;
    for await (const result of results) {
      expect({ workflowId: result.workflowId, error: result.error?.message }).toEqual({ workflowId: result.workflowId, error: undefined });
      replayed++;
    }
    expect(replayed).toBe(files.length);
  }, 120_000);
});
