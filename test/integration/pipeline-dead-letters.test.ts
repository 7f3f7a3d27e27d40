import { ConfigResourceTypes } from 'kafkajs';
import { CUT_LETTER_VALUE_BYTES, DLQ_HEADER } from '../../src/kafka/dead-letter';
import { replayDeadLetters } from '../../src/kafka/dead-letter-queue';
import { createSourceClient } from '../../src/source/client';
import { fetchApiUsers } from '../support/api-users';
import { toUserRecord } from '../../src/record/user-record';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';

describe('pipeline: bad messages on the topic', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '1' });
    await pipeline.prepare();
    await pipeline.startWorkers();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('sends each to the dead-letter topic with its reason, and the valid messages after them still reach Cassandra', async () => {
    const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
    const users = await fetchApiUsers(source, { results: 4, seed: 'dead-letters', page: 1 });
    const now = new Date();
    const valid = users.map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const [first, ...others] = valid;

    const poison: { key: string; value: string | null; expectReason: RegExp }[] = [
      { key: 'not-json', value: 'this is not JSON {', expectReason: /json/i },
      { key: 'missing-fields', value: JSON.stringify({ schema_version: 1, id: first!.id }), expectReason: /full_name|required|missing/i },
      { key: 'wrong-types', value: JSON.stringify({ ...first, latitude: 'north', postcode: 12 }), expectReason: /latitude|postcode/i },
      { key: 'null-value', value: null, expectReason: /no value|null|empty/i },
      { key: 'unknown-version', value: JSON.stringify({ ...first, schema_version: 7 }), expectReason: /schema_version/i },
      { key: 'huge-value', value: JSON.stringify({ ...first, padding: 'x'.repeat(512 * 1024) }), expectReason: /bytes, over the \d+-byte cap/ },
    ];
    const producer = pipeline.kafka.producer();
    await producer.connect();
    // Poison first, then valid records behind it on the same (single) partition.
    await producer.send({ topic: pipeline.config.kafka.topic, messages: poison.map((p) => ({ key: p.key, value: p.value })) });
    await producer.send({ topic: pipeline.config.kafka.topic, messages: valid.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await producer.disconnect();

    await pipeline.waitForDrain();
    const ids = await pipeline.cassandraIds();
    expect(ids.sort()).toEqual(valid.map((r) => r.id).sort());
    expect(others.length).toBe(3);

    const dead = await waitFor('the dead letters', async () => {
      const messages = await pipeline.readTopic(pipeline.config.kafka.dlqTopic);
      return messages.length >= poison.length ? messages : undefined;
    });
    expect(dead).toHaveLength(poison.length);
    for (const p of poison) {
      const letter = dead.find((d) => d.key === p.key);
      expect(letter).toBeDefined();
      expect(letter!.value).toBe(p.value);
      expect(letter!.headers['dlq-reason']).toMatch(p.expectReason);
      expect(letter!.headers['dlq-source-topic']).toBe(pipeline.config.kafka.topic);
      expect(letter!.headers['dlq-source-partition']).toBe('0');
      expect(letter!.headers['dlq-source-offset']).toMatch(/^\d+$/);
    }
    expect(pipeline.counters.deadLettered).toBe(poison.length);
  });
  it('a burst of poison whose letters pass Kafka\'s 1-MiB record batch is dead-lettered in parts, and the records after it are written', async () => {
    // 2 400 letters of about 1.2 kB under one key: one DLQ partition, about 2.9 MB for one cut's send.
    const burst = 2400;
    const key = 'poison-burst';
    const poison = Array.from({ length: burst }, (_, i) => `not a record #${i} ${'x'.repeat(1000)}`);
    const now = new Date();
    const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
    const valid = (await fetchApiUsers(source, { results: 3, seed: 'dead-letters-burst', page: 1 })).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const before = pipeline.counters.deadLettered;
    const producer = pipeline.kafka.producer();
    await producer.connect();
    for (let i = 0; i < burst; i += 400) {
      await producer.send({ topic: pipeline.config.kafka.topic, messages: poison.slice(i, i + 400).map((value) => ({ key, value })) });
    }
    await producer.send({ topic: pipeline.config.kafka.topic, messages: valid.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await producer.disconnect();

    await pipeline.waitForDrain();
    const ids = new Set(await pipeline.cassandraIds());
    expect(valid.filter((r) => !ids.has(r.id)).map((r) => r.id)).toEqual([]);
    const letters = (await pipeline.readTopic(pipeline.config.kafka.dlqTopic)).filter((m) => m.key === key);
    expect(new Set(letters.map((m) => m.value)).size).toBe(burst);
    expect(pipeline.counters.deadLettered - before).toBeGreaterThanOrEqual(burst);
  });
  it('a poison message too large for the dead-letter topic is kept cut, with its size, and the records after it are written', async () => {
    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: pipeline.config.kafka.dlqTopic, configEntries: [{ name: 'max.message.bytes', value: '200000' }] }] });
    } finally {
      await admin.disconnect();
    }
    const key = 'poison-too-large-for-the-dlq';
    const value = `not a record ${'y'.repeat(300_000)}`;
    const now = new Date();
    const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
    const valid = (await fetchApiUsers(source, { results: 2, seed: 'dead-letters-cut', page: 1 })).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({ topic: pipeline.config.kafka.topic, messages: [{ key, value }, ...valid.map((r) => ({ key: r.id, value: JSON.stringify(r) }))] });
    await producer.disconnect();

    await pipeline.waitForDrain();
    const ids = new Set(await pipeline.cassandraIds());
    expect(valid.filter((r) => !ids.has(r.id)).map((r) => r.id)).toEqual([]);
    const [letter, ...more] = (await pipeline.readTopic(pipeline.config.kafka.dlqTopic)).filter((m) => m.key === key);
    expect(more).toHaveLength(0);
    expect(letter!.value).toBe(value.slice(0, CUT_LETTER_VALUE_BYTES));
    expect(letter!.headers[DLQ_HEADER.rawBytes]).toBe(String(Buffer.byteLength(value)));
    expect(letter!.headers[DLQ_HEADER.reason]).toMatch(/^message value is \d+ bytes, over the \d+-byte cap of a user record; kept cut to 16384 of its \d+ bytes, over the dead-letter topic's size limit$/);
    expect(letter!.headers[DLQ_HEADER.sourceOffset]).toMatch(/^\d+$/);
    // A cut letter is not replayed: it says where the whole message is.
    const report = await replayDeadLetters(pipeline.kafka, pipeline.config.kafka);
    expect(report.replayed.filter((l) => l.key === key)).toEqual([]);
    expect(report.stillDead.find((d) => d.letter.key === key)?.reason).toBe(`the message was kept cut to 16384 of its ${Buffer.byteLength(value)} bytes; it cannot be replayed (the whole message is at ${pipeline.config.kafka.topic}/0 offset ${letter!.headers[DLQ_HEADER.sourceOffset]} while that topic keeps it)`);
  });
});
