import { slotWorkflowId } from '../../src/schedule/run-slots';
import { fetchApiUsers } from '../support/api-users';
import { createSourceClient } from '../../src/source/client';
import { toUserRecord } from '../../src/record/user-record';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { temporalBinary } from '../../src/dev/stack/services/temporal';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { runCommand, runPipeline } from '../support/run-command';

describe('pipeline command against the real stack', () => {
  let pipeline: IsolatedPipeline;
  let env: Record<string, string>;
  const temporalCli = temporalBinary(loadStackSettings()).path;
  const temporal = (...args: string[]) => runCommand(temporalCli, [...args, '--address', pipeline.config.temporal.address]);

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '2' });
    await pipeline.prepare();
    await pipeline.startWorkers();
    env = pipeline.commandEnv();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('pause with ours shows in `temporal schedule describe`; unpause with `temporal schedule toggle` shows in ours', async () => {
    const id = pipeline.config.schedule.id;
    const paused = await runPipeline(['schedule', 'pause', '--note', 'maintenance by the test'], env);
    expect(paused).toMatchObject({ code: 0 });
    const theirs = await temporal('schedule', 'describe', '--schedule-id', id, '--output', 'json');
    expect(theirs.code).toBe(0);
    const state = JSON.parse(theirs.stdout).schedule.state;
    expect(state).toMatchObject({ paused: true, notes: 'maintenance by the test' });

    expect((await temporal('schedule', 'toggle', '--schedule-id', id, '--unpause', '--reason', 'back to work')).code).toBe(0);
    const ours = await runPipeline(['schedule', 'describe', '--json'], env);
    expect(ours.code).toBe(0);
    expect(JSON.parse(ours.stdout)).toMatchObject({ scheduleId: id, paused: false, note: 'back to work', intervalMs: 1000, usersPerSlot: 2 });
    const human = await runPipeline(['schedule', 'describe'], env);
    expect(human.stdout).toMatch(/state\s+running \(note: back to work\)/);

    expect((await runPipeline(['schedule', 'pause', '--note', 'quiet for the next tests'], env)).code).toBe(0);
    const running = (await pipeline.schedule().describe()).info.runningActions.length;
    expect(typeof running).toBe('number');
  });

  it('`temporal schedule backfill` and ours over the same range both end with exactly the rows of those slots', async () => {
    const id = pipeline.config.schedule.id;
    // A slot started just before the previous test's pause would add its rows after `before` is read.
    await pipeline.waitForSlotsToFinish();
    await pipeline.waitForDrain();
    const before = new Set(await pipeline.cassandraIds());

    // Five 1-s slots well in the past, so no regular slot of this schedule can fall in them.
    const from = new Date(Math.floor(Date.now() / 1000) * 1000 - 600_000);
    const to = new Date(from.getTime() + 4000); // a backfill includes both ends
    const slots = [0, 1, 2, 3, 4].map((i) => new Date(from.getTime() + i * 1000).toISOString());
    const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
    const expected = new Set<string>();
    for (const slot of slots) {
      for (const user of await fetchApiUsers(source, { results: 2, seed: `${id}@${slot}`, page: 1 })) expected.add(toUserRecord(user, { slotTime: new Date(slot), fetchedAt: new Date() }).id);
    }

    const theirs = await temporal('schedule', 'backfill', '--schedule-id', id, '--start-time', from.toISOString(), '--end-time', to.toISOString(), '--overlap-policy', 'AllowAll');
    expect(theirs.code).toBe(0);
    await waitFor('the rows of the backfilled slots', async () => {
      const ids = (await pipeline.cassandraIds()).filter((x) => !before.has(x));
      return ids.length >= expected.size;
    }, 90_000, 500);
    await pipeline.waitForDrain();
    const afterTheirs = (await pipeline.cassandraIds()).filter((x) => !before.has(x));
    expect(new Set(afterTheirs)).toEqual(expected);
    expect(afterTheirs).toHaveLength(expected.size);

    const ours = await runPipeline(['schedule', 'backfill', '--from', from.toISOString(), '--to', to.toISOString()], env);
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect(ours.stdout).toMatch(/backfilling 5 slot\(s\)/);
    expect(ours.stdout).toMatch(/slots 5\/5/);
    expect(ours.stdout).toMatch(/backfill done: 5\/5 slots completed/);
    await pipeline.waitForDrain();
    const afterOurs = (await pipeline.cassandraIds()).filter((x) => !before.has(x));
    expect(new Set(afterOurs)).toEqual(expected);
    expect(afterOurs).toHaveLength(expected.size);
    // Ours started each slot under the id the schedule gave it: each slot id now has both runs.
    for (const slot of slots) {
      const runs = await pipeline.temporal.workflow.count(`WorkflowId = '${slotWorkflowId(id, new Date(slot))}' AND ExecutionStatus = 'Completed'`);
      expect(runs.count).toBe(2);
    }

    const viaSchedule = await runPipeline(['schedule', 'backfill', '--via-schedule', '--from', from.toISOString(), '--to', to.toISOString()], env);
    expect(viaSchedule.stderr).toBe('');
    expect(viaSchedule.code).toBe(0);
    expect(viaSchedule.stdout).toMatch(/backfill of 5 slot\(s\) .* requested/);
    expect(viaSchedule.stdout).toMatch(/backfill done: 5\/5 slots completed/);
    await pipeline.waitForDrain();
    const afterSchedule = (await pipeline.cassandraIds()).filter((x) => !before.has(x));
    expect(afterSchedule).toHaveLength(expected.size);
  });

  it('status --json reports the lag the test produced, then none once consumed', async () => {
    await pipeline.waitForDrain();
    await pipeline.stopSinks();
    const now = new Date();
    const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
    const records = (await fetchApiUsers(source, { results: 17, seed: 'lag', page: 1 })).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({ topic: pipeline.config.kafka.topic, messages: records.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await producer.disconnect();

    const lagging = await runPipeline(['status', '--json'], env);
    const status = JSON.parse(lagging.stdout);
    expect(status.consumer.ok).toBe(true);
    expect(status.consumer.value.totalLag).toBe(17);
    expect(status.consumer.value.partitions.reduce((s: number, p: { lag: number }) => s + p.lag, 0)).toBe(17);
    expect(status.schedule).toMatchObject({ ok: true, value: { paused: true } });
    expect(status.deadLetters).toMatchObject({ ok: true, value: { depth: 0 } });
    expect(status.rows.ok).toBe(true);

    await pipeline.startSink();
    await pipeline.waitForDrain();
    const drained = JSON.parse((await runPipeline(['status', '--json'], env)).stdout);
    expect(drained.consumer.value.totalLag).toBe(0);
    expect(drained.rows.value.count).toBe((await pipeline.cassandraIds()).length);
    expect(drained.pollers.ok).toBe(true);
    expect(drained.pollers.value.map((p: { taskQueue: string }) => p.taskQueue)).toEqual(expect.arrayContaining([pipeline.config.temporal.sinkTaskQueue, pipeline.config.temporal.ingestTaskQueue]));
  });

  it('dlq list shows poison with reasons; replay turns the valid ones into rows and keeps the others listed', async () => {
    const now = new Date();
    const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
    const [valid] = (await fetchApiUsers(source, { results: 1, seed: 'dlq-replay', page: 1 })).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: pipeline.config.kafka.topic,
      messages: [
        { key: 'broken-json', value: '{"schema_version": 1,' },
        { key: 'future-version', value: JSON.stringify({ ...valid, schema_version: 2 }) },
      ],
    });
    // A dead letter that is valid today (e.g. rejected by an older consumer): replay must recover it.
    await producer.send({
      topic: pipeline.config.kafka.dlqTopic,
      messages: [{ key: valid!.id, value: JSON.stringify(valid), headers: { 'dlq-reason': 'rejected by an older consumer', 'dlq-source-topic': pipeline.config.kafka.topic, 'dlq-source-partition': '0', 'dlq-source-offset': '0' } }],
    });
    await producer.disconnect();
    await pipeline.waitForDrain();
    await waitFor('two dead letters from the consumer', async () => (await runPipeline(['dlq', 'list', '--json'], env)).stdout.includes('future-version'));

    const listed = JSON.parse((await runPipeline(['dlq', 'list', '--json'], env)).stdout) as { key: string; reason: string; source: string }[];
    expect(listed.map((l) => l.key).sort()).toEqual(['broken-json', 'future-version', valid!.id].sort());
    expect(listed.find((l) => l.key === 'broken-json')!.reason).toMatch(/JSON/);
    expect(listed.find((l) => l.key === 'future-version')!.reason).toMatch(/schema_version 2/);
    expect(listed.find((l) => l.key === 'broken-json')!.source).toMatch(new RegExp(`^${pipeline.config.kafka.topic.replace(/\./g, '\\.')}/\\d+@\\d+$`));
    const human = await runPipeline(['dlq', 'list'], env);
    expect(human.stdout).toMatch(/broken-json .*not JSON/);

    const replay = await runPipeline(['dlq', 'replay', '--json'], env);
    expect(replay.code).toBe(0);
    const report = JSON.parse(replay.stdout);
    expect(report.replayed).toBe(1);
    expect(report.stillDead.map((d: { key: string }) => d.key).sort()).toEqual(['broken-json', 'future-version']);

    await pipeline.waitForDrain();
    await waitFor('the replayed record in Cassandra', async () => (await pipeline.cassandraIds()).includes(valid!.id));
    const after = JSON.parse((await runPipeline(['dlq', 'list', '--json'], env)).stdout) as { key: string; replays: number }[];
    expect(after.map((l) => l.key).sort()).toEqual(['broken-json', 'future-version']);
    expect(after.every((l) => l.replays === 1)).toBe(true);
  });

  it.each([
    [['--help'], /schedule .*\n.*status .*\n.*dlq /],
    [['schedule', '--help'], /create[\s\S]*describe[\s\S]*pause \[--note TEXT\][\s\S]*unpause[\s\S]*trigger[\s\S]*backfill --from TIME --to TIME[\s\S]*update --every DURATION[\s\S]*delete/],
    [['schedule', 'backfill', '--help'], /backfill --from TIME --to TIME/],
    [['status', '--help'], /--watch[\s\S]*--json/],
    [['dlq', '--help'], /list \[--limit N\][\s\S]*replay/],
    [['dlq', 'list', '--help'], /list \[--limit N\]/],
  ])('pipeline %j prints accurate help and exits 0', async (args, pattern) => {
    const result = await runPipeline(args, env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(pattern);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['schedule', 'explode'], /schedule: unknown command "explode"/],
    [['schedule', 'backfill', '--from', 'yesterday', '--to', 'now'], /--from "yesterday" is not a time/],
    [['schedule', 'backfill', '--from', 'now'], /--from TIME and --to TIME are both required/],
    [['schedule', 'update', '--every', 'often'], /--every "often" is not a duration/],
    [['schedule', 'pause', '--colour', 'red'], /Unknown option '--colour'/],
    [['dlq', 'list', '--limit', '0'], /--limit "0" is not a positive whole number/],
    [['status', 'now'], /status: Unexpected argument 'now' \(see --help\)/],
  ])('pipeline %j fails with one clear line and exit code 2', async (args, pattern) => {
    const result = await runPipeline(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  });

  it('a bad setting is one line and exit code 1', async () => {
    const result = await runPipeline(['status'], { ...env, KAFKA_BROKERS: 'nowhere' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('error: KAFKA_BROKERS="nowhere" is invalid: expected host:port');
  });
});
