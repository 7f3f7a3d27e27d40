import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { createCassandraClient } from '../cassandra/client';
import type { PipelineConfig } from '../config/pipeline-config';
import { createKafka } from '../kafka/client';
import { probeBrokers } from '../kafka/probe-brokers';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { describeBadSetting } from './startup-error';
import { OutageLog, waitForServer, type ServerRef, type WaitOptions } from '../servers/wait-for-server';
import type { ProcessOutages } from '../servers/process-outages';

/** Temporal as a process holds it: one connection, which its workers poll on and its client calls through. */
export interface TemporalClients {
  connection: NativeConnection;
  client: Client;
}

/** The clients of one process, built once at its top and passed down; workers never build their own. */
export interface PipelineClients {
  temporal: TemporalClients;
  kafka: Kafka;
  /** Connected when the process writes or prepares rows (`cassandra: true`). */
  cassandra?: CassandraClient;
  /** The outage log of Kafka in this process: one voice for its outages, whoever notices them. */
  kafkaOutage: OutageLog;
  /** Waits until Kafka answers, then runs `connect` (a producer's or consumer's), again while Kafka is away. */
  whenKafkaUp<T>(connect: () => Promise<T>): Promise<T>;
  /** Closes what was opened; call once the process's workers have stopped. */
  close(): Promise<void>;
}

export interface ServerWaits {
  /** Where the lines of a wait go; console by default. */
  log?: (line: string) => void;
  /** Aborted when the process stops while it still waits. */
  signal?: AbortSignal;
  /** The process's one outage log per server, fed by its waits and its libraries' lines too. */
  outages?: ProcessOutages;
}

export async function connectTemporal(config: PipelineConfig['temporal']): Promise<TemporalClients> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  return { connection, client: new Client({ connection, namespace: config.namespace }) };
}

/** The three servers as a process's lines name them. */
export function pipelineServers(config: PipelineConfig): Record<'temporal' | 'kafka' | 'cassandra', ServerRef> {
  return {
    temporal: { name: 'Temporal', address: config.temporal.address },
    kafka: { name: 'Kafka', address: config.kafka.brokers.join(',') },
    cassandra: { name: 'Cassandra', address: config.cassandra.contactPoints.join(',') },
  };
}

/**
 * Connects to every server the process needs, waiting for each that is down (wait-for-server.ts) side
 * by side; a bad setting still stops the start at once.
 */
export async function openPipelineClients(config: PipelineConfig, needs: { cassandra: boolean }, waits: ServerWaits = {}): Promise<PipelineClients> {
  const servers = pipelineServers(config);
  const log = waits.log ?? ((line: string) => console.log(line));
  const failed = new AbortController();
  const signal = waits.signal ? AbortSignal.any([waits.signal, failed.signal]) : failed.signal;
  const options: WaitOptions = { log, signal, isBadSetting: (error) => describeBadSetting(error, config) !== undefined };
  const kafkaOutage = waits.outages?.outageLog('Kafka') ?? new OutageLog(servers.kafka, log);
  const whenKafkaUp = <T>(connect: () => Promise<T>) =>
    waitForServer(servers.kafka, async () => {
      await probeBrokers(config.kafka);
      return connect();
    }, { ...options, signal: waits.signal, outage: kafkaOutage });

  const opened: { temporal?: TemporalClients; cassandra?: CassandraClient } = {};
  const connecting = [
    waitForServer(servers.temporal, () => connectTemporal(config.temporal), { ...options, ...(waits.outages ? { outage: waits.outages.outageLog('Temporal') } : {}) }).then((t) => (opened.temporal = t)),
    needs.cassandra
      ? waitForServer(servers.cassandra, async () => {
          const client = createCassandraClient(config.cassandra);
          try {
            await client.connect();
          } catch (error) {
            await client.shutdown().catch(() => undefined);
            throw error;
          }
          return client;
        }, { ...options, ...(waits.outages ? { outage: waits.outages.outageLog('Cassandra') } : {}) }).then((c) => (opened.cassandra = c))
      : Promise.resolve(),
    waitForServer(servers.kafka, () => probeBrokers(config.kafka), { ...options, outage: kafkaOutage }),
  ];
  try {
    await Promise.all(connecting.map((p) => p.catch((error: unknown) => {
      failed.abort(error);
      throw error;
    })));
  } catch (error) {
    await Promise.allSettled(connecting);
    await opened.temporal?.connection.close().catch(() => undefined);
    await opened.cassandra?.shutdown().catch(() => undefined);
    throw error;
  }
  const { temporal, cassandra } = opened as { temporal: TemporalClients; cassandra?: CassandraClient };
  return {
    temporal,
    kafka: createKafka(config.kafka, { ...(waits.outages ? { lines: waits.outages } : {}), debug: config.log.level === 'DEBUG' }),
    kafkaOutage,
    ...(cassandra ? { cassandra } : {}),
    whenKafkaUp,
    async close() {
      await cassandra?.shutdown();
      await temporal.connection.close();
    },
  };
}
