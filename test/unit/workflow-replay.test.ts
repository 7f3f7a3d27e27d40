import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

const HISTORIES = path.resolve(__dirname, '..', 'fixtures', 'histories');

/**
 * Recorded histories of real runs (see scripts/record-histories.ts) replayed against today's workflow
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
