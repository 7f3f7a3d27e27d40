// Records the history of a slot whose page came in parts as a replay fixture
// (test/fixtures/histories/ingestSlot.3.json): the slot workflow on a Temporal dev server of its own, its
// fetch splitting generated users at a budget of 2 000 bytes so that 14 users come in four parts, one of
// them with a reject. Run: `npx tsx scripts/record-parted-slot-history.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { FetchUsersInput, PublishUsersInput, QuarantineUsersInput } from '../src/contracts/ingest';
import { provisionTemporalBinary } from '../src/dev/stack/services/temporal-binary';
import { loadStackSettings } from '../src/dev/stack/settings';
import { generateUsers } from '../src/dev/fake-source/generator';
import { splitPage } from '../src/record/source-reject';

async function main() {
  const binary = await provisionTemporalBinary(loadStackSettings(), () => undefined);
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: binary.path } } });
  const taskQueue = 'record-parts';
  const activities = {
    async fetchUsers(input: FetchUsersInput) {
      const users = generateUsers({ seed: input.seed, page: input.page, results: input.pageSize }) as unknown as Record<string, any>[];
      users[4]!.login.uuid = 'not-a-uuid';
      return splitPage(users, input.take, { page: input.page, sourceUrl: `http://127.0.0.1:8088/api/?results=${input.pageSize}&seed=${encodeURIComponent(input.seed)}&page=${input.page}`, slotTime: new Date(input.slotTime), fetchedAt: new Date() }, input.from ?? 0, 2000);
    },
    async quarantineUsers(input: QuarantineUsersInput) {
      return input.rejects.map((r) => `reject:${input.slot.workflowId}:${input.slot.runId}:p${r.page}:${r.index}`);
    },
    async publishUsers(input: PublishUsersInput) {
      return input.records.length;
    },
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../src/workflows'), activities });
  const workflowId = 'random-names-2026-12-07T16:00:00Z';
  await worker.runUntil(env.client.workflow.execute('ingestSlot', { taskQueue, workflowId, args: [{ scheduleId: 'random-names', usersPerSlot: 14, slotTime: '2026-12-07T16:00:00Z' }] }));
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  fs.writeFileSync(path.resolve(__dirname, '..', 'test', 'fixtures', 'histories', 'ingestSlot.3.json'), historyToJSON(history));
  const types = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
  console.log(types.join(' '));
  await env.teardown();
}
main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
