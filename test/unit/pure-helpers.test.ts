import fs from 'node:fs';
import path from 'node:path';
import { cqlStatements, CQL_DIR } from '../../src/cassandra/apply-schema';
import { toDeadLetter } from '../../src/kafka/dead-letter';
import { desiredSchedule, matchesSettings } from '../../src/schedule/ensure-schedule';
import { distinctDeadLetters, originKey } from '../../src/kafka/dead-letter-queue';
import { batchWorkflowId, parseBatchWorkflowId } from '../../src/sink/batch-id';
import { upsertStatement } from '../../src/cassandra/upsert-statement';
import { USER_ROW_COLUMNS as ROW_COLUMNS } from '../../src/record/user-row';
import type { ScheduleDescription } from '@temporalio/client';
import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { describeStartupError } from '../../src/pipeline/startup-error';

describe('CQL schema files', () => {
  it('split into statements with variables substituted and comments dropped', () => {
    const statements = fs
      .readdirSync(CQL_DIR)
      .sort()
      .flatMap((f) => cqlStatements(fs.readFileSync(path.join(CQL_DIR, f), 'utf8'), { keyspace: 'ks', table: 'people', replication_factor: '3' }));
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^CREATE KEYSPACE IF NOT EXISTS ks\s+WITH replication = \{'class': 'SimpleStrategy', 'replication_factor': 3\}$/);
    expect(statements[1]).toMatch(/^CREATE TABLE IF NOT EXISTS ks\.people \(/);
    expect(statements[1]).toContain('id uuid PRIMARY KEY');
    expect(statements.join(' ')).not.toContain('--');
  });

  it('refuse a statement with an unknown variable', () => {
    expect(() => cqlStatements('CREATE TABLE ${nope}.t (id int PRIMARY KEY);', {})).toThrow('${nope}');
  });

  it('have a column for every row field the sink writes', () => {
    const table = fs.readFileSync(path.join(CQL_DIR, '002-random-names.cql'), 'utf8');
    for (const column of ROW_COLUMNS) expect(table).toMatch(new RegExp(`\\b${column}\\b`));
    const values = `INSERT INTO ks.t (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map(() => '?').join(', ')})`;
    expect(upsertStatement('ks', 't')).toBe(`${values} USING TIMESTAMP ?`);
    expect(upsertStatement('ks', 't', 3600)).toBe(`${values} USING TTL 3600 AND TIMESTAMP ?`);
    expect(upsertStatement('ks', 't', 0)).toBe(`${values} USING TTL 0 AND TIMESTAMP ?`);
  });
});

describe('dead letters', () => {
  it('keep key, value and headers, and say why and where from', () => {
    const letter = toDeadLetter(
      { key: Buffer.from('k'), value: Buffer.from('{oops'), headers: { 'pipeline-slot-time': '2026-11-24T12:00:00.000Z' } },
      { topic: 'random_names', partition: 4, offset: '17', reason: 'not JSON', failedAt: new Date('2026-11-24T12:00:05.000Z') },
    );
    expect(letter.key).toEqual(Buffer.from('k'));
    expect(letter.value).toEqual(Buffer.from('{oops'));
    expect(letter.headers).toEqual({
      'pipeline-slot-time': '2026-11-24T12:00:00.000Z',
      'dlq-reason': 'not JSON',
      'dlq-source-topic': 'random_names',
      'dlq-source-partition': '4',
      'dlq-source-offset': '17',
      'dlq-failed-at': '2026-11-24T12:00:05.000Z',
    });
  });

  it('keep a null value null', () => {
    expect(toDeadLetter({ key: null, value: null }, { topic: 't', partition: 0, offset: '0', reason: 'null value', failedAt: new Date(0) }).value).toBeNull();
  });
});

describe('dead letters listed once', () => {
  const letter = (dlqOffset: number, origin: Record<string, string>) => ({
    partition: 0, offset: String(dlqOffset), key: 'k', value: Buffer.from('x'), reason: 'bad', source: '', failedAt: null, replays: 0,
    headers: Object.fromEntries(Object.entries(origin).map(([k, v]) => [`dlq-source-${k}`, v])),
  });

  it('keep the first copy of each origin and count the copies', () => {
    const origin = { topic: 't', partition: '2', offset: '17', timestamp: '1764000000000' };
    const letters = distinctDeadLetters([letter(0, origin), letter(1, { ...origin, offset: '18' }), letter(2, origin)]);
    expect(letters.map((l) => [l.offset, l.copies])).toEqual([['0', 2], ['1', 1]]);
  });

  it('tell apart two lifetimes of a topic at one offset by the record timestamp', () => {
    const origin = { topic: 't', partition: '0', offset: '5', timestamp: '1764000000000' };
    expect(distinctDeadLetters([letter(0, origin), letter(1, { ...origin, timestamp: '1764000999000' })])).toHaveLength(2);
  });

  it('keep letters without origin headers apart, by their place on the DLQ', () => {
    expect(distinctDeadLetters([letter(0, {}), letter(1, {})])).toHaveLength(2);
    expect(originKey(letter(3, {}))).toBe('dlq:0@3');
  });
});

describe('batch workflow ids', () => {
  it.each([
    [{ topic: 'random_names', partition: 0, firstOffset: '0', lastOffset: '499', digest: '0123456789abcdef0123' }, 'batch-random_names-p0-0-499-0123456789abcdef0123'],
    [{ topic: 'random_names', partition: 5, firstOffset: '1000', lastOffset: '1000', digest: 'ffffffffffffffffffff' }, 'batch-random_names-p5-1000-1000-ffffffffffffffffffff'],
  ])('name topic, partition, offsets and content digest: %j', (batch, id) => {
    expect(batchWorkflowId(batch)).toBe(id);
    expect(parseBatchWorkflowId(id)).toEqual({ partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset, digest: batch.digest });
  });

  it('are told apart from other workflow ids', () => {
    expect(parseBatchWorkflowId('slot-random-names-2026-11-24T12:00:00Z')).toBeUndefined();
    expect(parseBatchWorkflowId('batch-random_names-p0-0-499')).toBeUndefined();
  });
});

describe('slot schedule', () => {
  const settings = { scheduleId: 'random-names', intervalMs: 10_000, usersPerSlot: 1, taskQueue: 'random-names-ingest' };

  function describedAs(options: ReturnType<typeof desiredSchedule>): ScheduleDescription {
    return {
      spec: { intervals: [{ every: (options.spec.intervals![0]!.every as number), offset: 0 }] },
      action: { ...options.action, args: options.action.type === 'startWorkflow' ? options.action.args : [], workflowExecutionTimeout: 3_600_000 },
      policies: { overlap: options.policies!.overlap, catchupWindow: 3_600_000, pauseOnFailure: false },
    } as unknown as ScheduleDescription;
  }

  it('fires ingestSlot every interval with overlapping runs allowed, a 1-hour catch-up window and slot timeout', () => {
    const options = desiredSchedule(settings);
    expect(options.spec.intervals).toEqual([{ every: 10_000 }]);
    expect(options.action).toMatchObject({ type: 'startWorkflow', workflowType: 'ingestSlot', workflowId: 'random-names', taskQueue: 'random-names-ingest', args: [{ scheduleId: 'random-names', usersPerSlot: 1 }] });
    expect(options.policies).toEqual({ overlap: 'ALLOW_ALL', catchupWindow: '1 hour' });
    expect(options.action).toMatchObject({ workflowExecutionTimeout: 3_600_000 });
    expect(desiredSchedule({ ...settings, slotTimeoutMs: 8000 }).action).toMatchObject({ workflowExecutionTimeout: 8000 });
  });

  it('is left alone when it matches, and updated when interval or users per slot changed', () => {
    const current = describedAs(desiredSchedule(settings));
    expect(matchesSettings(current, settings)).toBe(true);
    expect(matchesSettings(current, { ...settings, intervalMs: 1000 })).toBe(false);
    expect(matchesSettings(current, { ...settings, usersPerSlot: 5 })).toBe(false);
    expect(matchesSettings(current, { ...settings, taskQueue: 'other' })).toBe(false);
    // A schedule made with the earlier 5-minute timeout and catch-up window is brought up to date.
    expect(matchesSettings({ ...current, policies: { ...current.policies, catchupWindow: 300_000 } } as ScheduleDescription, settings)).toBe(false);
    expect(matchesSettings({ ...current, action: { ...current.action, workflowExecutionTimeout: 300_000 } } as ScheduleDescription, settings)).toBe(false);
  });
});

describe('describeStartupError', () => {
  const config = loadPipelineConfig({ CASSANDRA_CONTACT_POINTS: 'db1:9042', KAFKA_BROKERS: 'k1:9094' });

  it('names Cassandra and the variables to check when the credentials are turned down', () => {
    const error = Object.assign(new Error('All host(s) tried for query failed. First host tried, db1:9042: AuthenticationError: bad'), {
      name: 'NoHostAvailableError',
      innerErrors: { 'db1:9042': { name: 'AuthenticationError', message: 'Provided username app and/or password are incorrect' } },
    });
    expect(describeStartupError(error, config)).toBe('Cassandra at db1:9042 rejected the credentials (check CASSANDRA_USERNAME and CASSANDRA_PASSWORD): Provided username app and/or password are incorrect');
  });

  it('names Kafka and the SASL variables for a SASL failure', () => {
    const error = Object.assign(new Error('SASL PLAIN authentication failed: Invalid username or password'), { name: 'KafkaJSSASLAuthenticationError' });
    expect(describeStartupError(error, config)).toMatch(/^Kafka at k1:9094 rejected the SASL credentials \(check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD\): SASL PLAIN/);
  });

  it('keeps any other error to its first line', () => {
    expect(describeStartupError(new Error('first\nsecond'))).toBe('first');
  });
});
