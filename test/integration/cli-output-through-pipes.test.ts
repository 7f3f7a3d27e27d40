import fs from 'node:fs';
import path from 'node:path';
import { ingestSlot } from '../../src/workflows/ingest-slot';
import { createProducer } from '../../src/kafka/client';
import { DLQ_HEADER } from '../../src/kafka/dead-letter';
import { IsolatedPipeline, sleep } from '../support/isolated-pipeline';
import { emptyStackEnv, writeRecord } from '../support/empty-stack';
import { runCommand, runThroughPipeAndIntoFile, type CommandResult } from '../support/run-command';

const ROOT = path.resolve(__dirname, '..', '..');
const MIB = 1024 * 1024;
const pipelineCommand = (args: string[]) => [path.join(ROOT, 'bin', 'pipeline.js'), ...args];

/** The same command through a pipe and into a file: the pipe gets every byte, more than a pipe's buffer holds many times over. */
function expectWholeOutput({ piped, intoFile }: { piped: CommandResult; intoFile: CommandResult }, code: number): string {
  expect({ code: intoFile.code, stderr: intoFile.stderr }).toEqual({ code, stderr: '' });
  expect(Buffer.byteLength(intoFile.stdout)).toBeGreaterThan(MIB);
  expect(piped.code).toBe(code);
  expect(Buffer.byteLength(piped.stdout)).toBe(Buffer.byteLength(intoFile.stdout));
  expect(piped.stdout === intoFile.stdout).toBe(true);
  return piped.stdout;
}

/**
 * Every command writes all of its output through a pipe (`pipeline dlq list --json | jq`), not only
 * into a file: the process ends only once stdout has drained.
 */
describe('CLI output over 1 MiB through a pipe is the whole output', () => {
  let pipeline: IsolatedPipeline;
  let env: Record<string, string>;

  beforeAll(async () => {
    expect((await runCommand(process.execPath, [path.join(ROOT, 'scripts', 'build.js'), '--if-stale'])).code).toBe(0);
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '1' });
    await pipeline.prepare();
    env = pipeline.commandEnv();
  });

  afterAll(async () => {
    await pipeline?.close();
  }, 120_000);

  it('pipeline dlq list --json', async () => {
    const producer = createProducer(pipeline.kafka);
    await producer.connect();
    const big = (n: number) => JSON.stringify({ schema_version: 1, note: `${n}`.repeat(600 * 1024) });
    const letter = (n: number) => ({ key: `big-${n}`, value: big(n), headers: { [DLQ_HEADER.reason]: 'too big to be a user', [DLQ_HEADER.sourceTopic]: pipeline.config.kafka.topic, [DLQ_HEADER.sourcePartition]: '0', [DLQ_HEADER.sourceOffset]: String(n) } });
    await producer.send({ topic: pipeline.config.kafka.dlqTopic, acks: -1, messages: [letter(1)] });
    await producer.send({ topic: pipeline.config.kafka.dlqTopic, acks: -1, messages: [letter(2)] });
    await producer.disconnect();
    const out = expectWholeOutput(await runThroughPipeAndIntoFile(process.execPath, pipelineCommand(['dlq', 'list', '--json']), env), 0);
    expect((JSON.parse(out) as { key: string; value: string }[]).map((l) => [l.key, l.value.length])).toEqual([['big-1', big(1).length], ['big-2', big(2).length]]);
  });

  it('pipeline audit --json', async () => {
    // Slots of 5000 users each, published and never consumed (no sink): every id is listed as missing.
    await pipeline.startWorkers();
    await pipeline.stopSinks();
    const slots = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z'];
    for (const slotTime of slots) {
      await pipeline.temporal.workflow.execute(ingestSlot, {
        taskQueue: pipeline.config.temporal.ingestTaskQueue,
        workflowId: `${pipeline.config.schedule.id}-${slotTime}`,
        args: [{ scheduleId: pipeline.config.schedule.id, usersPerSlot: 5000, slotTime }],
      });
    }
    await sleep(1500); // past --settle
    const out = expectWholeOutput(await runThroughPipeAndIntoFile(process.execPath, pipelineCommand(['audit', '--from', slots[0]!, '--to', slots[2]!, '--settle', '1s', '--json']), env), 1);
    const report = JSON.parse(out) as { slots: number; mismatched: { missing: string[] }[] };
    expect(report.slots).toBe(3);
    expect(report.mismatched.map((m) => m.missing.length)).toEqual([5000, 5000, 5000]);
  }, 300_000);

  it('npm run cql', async () => {
    const { keyspace } = pipeline.config.cassandra;
    await pipeline.cassandra.execute(`CREATE TABLE ${keyspace}.wide (id int PRIMARY KEY, a text, b text, c text, d text)`);
    const cell = (id: number, column: string) => `${column}${id}`.padEnd(60, '.');
    const rows = Array.from({ length: 4900 }, (_, id) => [id, ...['a', 'b', 'c', 'd'].map((c) => cell(id, c))]);
    for (let i = 0; i < rows.length; i += 250) {
      await Promise.all(rows.slice(i, i + 250).map((row) => pipeline.cassandra.execute(`INSERT INTO ${keyspace}.wide (id, a, b, c, d) VALUES (?, ?, ?, ?, ?)`, row, { prepare: true })));
    }
    const out = expectWholeOutput(await runThroughPipeAndIntoFile('npm', ['run', '--silent', 'cql', '--', `SELECT * FROM ${keyspace}.wide`], env), 0);
    const lines = out.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('(4900 rows)');
    expect(lines).toHaveLength(4900 + 3);
  });

  it('stack status', async () => {
    // A stack folder of its own whose run folder records thousands of servers that are gone.
    const stack = emptyStackEnv('stack-status-pipe');
    try {
      const deadPid = 2 ** 22 + 1; // above the largest pid_max Linux allows: no process has it
      const logs = path.join(stack.STACK_DIR!, 'logs', 'servers-recorded-by-a-stack-started-with-other-settings'.repeat(2));
      for (let i = 0; i < 5000; i++) writeRecord(stack.STACK_DIR!, { name: `source-server-${String(i).padStart(4, '0')}`, pid: deadPid, marker: 'source-server', logFile: path.join(logs, `source-server-${i}.log`) });
      const out = expectWholeOutput(await runThroughPipeAndIntoFile(process.execPath, [path.join(ROOT, 'dist', 'dev', 'stack', 'cli.js'), 'status'], stack), 1);
      expect(out.trimEnd().split('\n').filter((l) => /^source-server-\d{4} +stopped: record of pid \d+ left behind/.test(l))).toHaveLength(5000);
    } finally {
      fs.rmSync(stack.STACK_DIR!, { recursive: true, force: true });
    }
  });
});
