// Records the histories of a few real workflow runs as replay fixtures (test/fixtures/histories/).
// Run against a pipeline that has been running: `npx tsx scripts/record-histories.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { loadPipelineConfig } from '../src/config/pipeline-config';
import { connectTemporal } from '../src/pipeline/clients';
import { ingestSlot } from '../src/workflows/ingest-slot';
import { writeBatch } from '../src/workflows/write-batch';

async function main(): Promise<void> {
  const config = loadPipelineConfig();
  const { connection, client } = await connectTemporal(config.temporal);
  const out = path.resolve(__dirname, '..', 'test', 'fixtures', 'histories');
  fs.mkdirSync(out, { recursive: true });
  for (const type of [ingestSlot.name, writeBatch.name]) {
    let n = 0;
    for await (const execution of client.workflow.list({ query: `WorkflowType = '${type}' AND ExecutionStatus = 'Completed'` })) {
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const file = path.join(out, `${type}.${++n}.json`);
      fs.writeFileSync(file, historyToJSON(history));
      console.log(`recorded ${execution.workflowId} → ${path.relative(process.cwd(), file)}`);
      if (n >= 2) break;
    }
    if (n === 0) throw new Error(`no completed ${type} workflow to record; run the pipeline first`);
  }
  await connection.close();
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
