import fs from 'node:fs';
import path from 'node:path';
import type { IsolatedPipeline } from './isolated-pipeline';
import { createProducer } from '../../src/kafka/client';
import { toUserRecord, type UserRecord } from '../../src/record/user-record';
import { generateUsers } from '../../src/dev/fake-source/generator';

/** Users whose every version differs in full_name, so a row shows which version it holds. */
export function versionedUsers(seed: string, count: number): UserRecord[] {
  const now = new Date();
  const users: UserRecord[] = [];
  for (let page = 1; users.length < count; page++) {
    users.push(...generateUsers({ seed, page, results: Math.min(5000, count - users.length) }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now })));
  }
  return users;
}

export const versionOf = (user: UserRecord, version: number): UserRecord => ({ ...user, full_name: `${user.full_name} v${version}` });

/** Publishes records keyed by id, with the pipeline's producer (murmur2: a key keeps its partition). */
export async function publish(pipeline: IsolatedPipeline, records: UserRecord[], topic = pipeline.config.kafka.topic): Promise<void> {
  const producer = createProducer(pipeline.kafka);
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 500) {
      await producer.send({ topic, acks: -1, messages: records.slice(i, i + 500).map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface LastVersionReport {
  keys: number;
  /** Keys whose row is missing, or holds another version than the one with the highest offset. */
  missing: number;
  stale: number;
  samples: { id: string; expected: string; found: string | null }[];
}

/**
 * The "last version wins" invariant: for every key on the topic, the row in Cassandra holds the value
 * of the message with the highest offset of its partition (its full_name and kafka_offset).
 */
export async function checkLastVersionWins(pipeline: IsolatedPipeline, topic = pipeline.config.kafka.topic): Promise<LastVersionReport> {
  const last = new Map<string, { offset: bigint; fullName: string }>();
  for (const m of await pipeline.readTopic(topic)) {
    if (!m.key || !m.value) continue;
    const seen = last.get(m.key);
    if (!seen || BigInt(m.offset) > seen.offset) last.set(m.key, { offset: BigInt(m.offset), fullName: (JSON.parse(m.value) as UserRecord).full_name });
  }
  const rows = new Map<string, { fullName: string; offset: bigint }>();
  const query = `SELECT id, full_name, kafka_offset FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table}`;
  for (const row of await pipeline.readAllRows(query)) {
    rows.set(row.get('id').toString(), { fullName: row.get('full_name'), offset: BigInt(row.get('kafka_offset').toString()) });
  }
  const report: LastVersionReport = { keys: last.size, missing: 0, stale: 0, samples: [] };
  for (const [id, expected] of last) {
    const row = rows.get(id);
    if (row && row.fullName === expected.fullName && row.offset === expected.offset) continue;
    if (row) report.stale += 1;
    else report.missing += 1;
    if (report.samples.length < 10) report.samples.push({ id, expected: `${expected.fullName}@${expected.offset}`, found: row ? `${row.fullName}@${row.offset}` : null });
  }
  return report;
}

/** Records a run's figures for docs/RELIABILITY.md, as expectInvariant does. */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const file = path.resolve(__dirname, '..', '..', 'test-artifacts', 'reliability', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ fault: name, at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}
