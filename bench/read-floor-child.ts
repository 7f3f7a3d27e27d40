/**
 * A bare kafkajs reader, run as its own process with the sink worker's Node flags and environment
 * (bench/read-floor.ts starts it): it reads the bench's topic in a group of its own, with the fetch
 * settings the sink's consumer uses, and does nothing else (`read`), or also cuts every fetch into rows
 * with the sink's compiled code (`cut`: parse, record check, digest, write time, row encoding). What it
 * prints is what a process spends per row before a single write: the floor under the sink worker's
 * CPU that kafkajs and the row's preparation set.
 *
 * Usage: node --import tsx bench/read-floor-child.ts read|cut RECORDS (pipeline settings in the environment)
 */
import path from 'node:path';
import type { PipelineConfig } from '../src/config/pipeline-config';

type CutModule = typeof import('../src/sink/cut-batch');
type ConfigModule = typeof import('../src/config/pipeline-config');
type KafkaModule = typeof import('../src/kafka/client');
type ConsumerOptionsModule = typeof import('../src/sink/consumer-options');

const DIST = path.resolve(__dirname, '..', 'dist');
// The worker's own compiled modules, so the cut is the very code the worker runs.
const { cutBatch } = require(path.join(DIST, 'sink/cut-batch.js')) as CutModule;
const { loadPipelineConfig } = require(path.join(DIST, 'config/pipeline-config.js')) as ConfigModule;
const { createKafka } = require(path.join(DIST, 'kafka/client.js')) as KafkaModule;
const { sinkConsumerOptions } = require(path.join(DIST, 'sink/consumer-options.js')) as ConsumerOptionsModule;

async function main(): Promise<void> {
  const [mode, recordsText] = process.argv.slice(2);
  const records = Number(recordsText);
  if ((mode !== 'read' && mode !== 'cut') || !Number.isInteger(records) || records <= 0) {
    throw new Error(`usage: read-floor-child.ts read|cut RECORDS (got ${process.argv.slice(2).join(' ')})`);
  }
  const config: PipelineConfig = loadPipelineConfig(process.env);
  const consumer = createKafka(config.kafka).consumer(sinkConsumerOptions(config, `read-floor-${mode}-${process.pid}-${Date.now()}`));
  await consumer.connect();
  await consumer.subscribe({ topic: config.kafka.topic, fromBeginning: true });
  let began: { cpu: NodeJS.CpuUsage; at: number } | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    began ??= { cpu: process.cpuUsage(), at: Date.now() };
  });
  let read = 0;
  let rows = 0;
  const done = new Promise<{ cpuUs: number; seconds: number }>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.kafka.partitions,
      eachBatch: async ({ batch, resolveOffset }) => {
        const last = batch.messages[batch.messages.length - 1];
        if (!last) return;
        began ??= { cpu: process.cpuUsage(), at: Date.now() };
        if (mode === 'cut') rows += cutBatch(batch.messages, batch.partition, 0, new Date()).rows.length;
        read += batch.messages.length;
        resolveOffset(last.offset);
        if (read >= records) {
          const cpu = process.cpuUsage(began.cpu);
          resolve({ cpuUs: cpu.user + cpu.system, seconds: (Date.now() - began.at) / 1000 });
        }
      },
    });
  });
  const { cpuUs, seconds } = await done;
  console.log(JSON.stringify({ mode, messages: read, rows, cpuUsPerRow: Math.round((cpuUs / read) * 10) / 10, seconds }));
  await consumer.disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`read-floor: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
