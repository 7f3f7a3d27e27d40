import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { createCassandraClient } from '../cassandra/client';
import type { PipelineConfig } from '../config/pipeline-config';
import { createKafka } from '../kafka/client';
import { temporalConnectionOptions } from '../temporal/connection-options';

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
  /** Closes what was opened; call once the process's workers have stopped. */
  close(): Promise<void>;
}

export async function connectTemporal(config: PipelineConfig['temporal']): Promise<TemporalClients> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  return { connection, client: new Client({ connection, namespace: config.namespace }) };
}

export async function openPipelineClients(config: PipelineConfig, needs: { cassandra: boolean }): Promise<PipelineClients> {
  const temporal = await connectTemporal(config.temporal);
  let cassandra: CassandraClient | undefined;
  try {
    if (needs.cassandra) {
      cassandra = createCassandraClient(config.cassandra);
      await cassandra.connect();
    }
  } catch (error) {
    await temporal.connection.close();
    await cassandra?.shutdown().catch(() => undefined);
    throw error;
  }
  return {
    temporal,
    kafka: createKafka(config.kafka),
    ...(cassandra ? { cassandra } : {}),
    async close() {
      await cassandra?.shutdown();
      await temporal.connection.close();
    },
  };
}
