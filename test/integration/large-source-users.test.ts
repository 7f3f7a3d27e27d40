import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { readDeadLetters } from '../../src/kafka/dead-letter-queue';
import { MAX_REJECT_RAW_BYTES } from '../../src/record/source-reject';
import { MAX_RECORD_BYTES } from '../../src/record/user-record';
import type { IngestSlotResult } from '../../src/workflows/ingest-slot';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { uniqueName } from '../support/stack-addresses';

const USERS = 60;
const GIANT = 1;

/**
 * A randomuser-compatible upstream whose users are large: every street holds about 30 KiB of text, so
 * a page of 60 holds about 1.8 MB of records, and user 1's first name holds 3 MB, a record no consumer
 * takes. Together they are past what one Temporal payload may hold (2 MB, the server's default limit).
 */
async function startLargeUsersSource() {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const seed = url.searchParams.get('seed') ?? 'x';
    const page = Number(url.searchParams.get('page') ?? 1);
    const users = generateUsers({ seed, page, results: Number(url.searchParams.get('results') ?? 1) }) as unknown as Record<string, any>[];
    users.forEach((user, i) => (user.location.street.name = `${i} ${'Boulevard of Long Names '.repeat(1250)}`));
    if (users[GIANT]) users[GIANT]!.name.first = 'Anna'.repeat(750_000);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: users, info: { seed, results: users.length, page, version: '1.4' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('large source users: each costs only itself, and a page too large for one payload still flows', () => {
  let pipeline: IsolatedPipeline;
  let source: Awaited<ReturnType<typeof startLargeUsersSource>>;

  beforeAll(async () => {
    source = await startLargeUsersSource();
    pipeline = await IsolatedPipeline.create({ SOURCE_URL: source.url, SOURCE_HEALTH_GATE: 'false' });
    await pipeline.prepare();
    await pipeline.startWorkers();
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await source?.close();
  }, 120_000);

  it('quarantines the user over the record cap, and writes every other user of the page to Cassandra', async () => {
    const workflowId = uniqueName('slot-large');
    const slotTime = new Date().toISOString();
    const result = (await pipeline.temporal.workflow.execute('ingestSlot', {
      taskQueue: pipeline.config.temporal.ingestTaskQueue,
      workflowId,
      args: [{ scheduleId: 'large-users', usersPerSlot: USERS, slotTime }],
    })) as IngestSlotResult;

    const served = generateUsers({ seed: `large-users@${slotTime}`, page: 1, results: USERS }).map((user) => user.login.uuid);
    const good = served.filter((_, i) => i !== GIANT);
    expect(result).toMatchObject({ fetched: USERS, published: USERS - 1, rejected: 1 });
    expect(result.ids).toEqual(good);
    expect(result.rejects).toEqual([expect.objectContaining({ uuid: served[GIANT] })]);

    // The page came in parts, each result under the SDK's 512-KiB warning (the server refuses 2 MB).
    const history = await pipeline.temporal.workflow.getHandle(workflowId).fetchHistory();
    const fetches = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchUsers');
    expect(fetches.length).toBeGreaterThanOrEqual(4);
    const results = (history.events ?? []).flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? []);
    expect(results.length).toBeGreaterThan(fetches.length);
    for (const payload of results) expect(payload.data!.length).toBeLessThan(512 * 1024);
    const failures = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes);
    expect(failures).toEqual([]);

    await waitFor('every good user readable in Cassandra', async () => {
      const ids = new Set(await pipeline.cassandraIds());
      return good.every((id) => ids.has(id));
    }, 90_000, 500);
    expect(await pipeline.cassandraIds()).not.toContain(served[GIANT]);

    const { letters } = await readDeadLetters(pipeline.kafka, pipeline.config.kafka);
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter!.kind).toBe('source-reject');
    expect(letter!.reason).toMatch(new RegExp(`^user ${served[GIANT]} would be a record of 3\\d{6} bytes, over the ${MAX_RECORD_BYTES}-byte cap of a user record$`));
    expect(letter!.value!.length).toBeLessThanOrEqual(MAX_REJECT_RAW_BYTES);
  }, 180_000);
});
