import { Client, Connection } from '@temporalio/client';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { createCassandraClient } from '../cassandra/client';
import type { PipelineConfig } from '../config/pipeline-config';
import { createKafka } from '../kafka/client';
import { temporalConnectionOptions } from '../temporal/connection-options';

/** Clients a command needs, each connected on first use and closed once at the end. */
export class CommandContext {
  private temporalClient?: Promise<{ connection: Connection; client: Client }>;
  private cassandraClient?: CassandraClient;
  private kafkaClient?: Kafka;

  constructor(readonly config: PipelineConfig) {}

  async temporal(): Promise<Client> {
    this.temporalClient ??= Connection.connect({ ...temporalConnectionOptions(this.config.temporal), connectTimeout: 3000 }).then((connection) => ({
      connection,
      client: new Client({ connection, namespace: this.config.temporal.namespace }),
    }));
    return (await this.temporalClient).client;
  }

  kafka(): Kafka {
    this.kafkaClient ??= createKafka(this.config.kafka);
    return this.kafkaClient;
  }

  async cassandra(): Promise<CassandraClient> {
    if (!this.cassandraClient) {
      this.cassandraClient = createCassandraClient(this.config.cassandra);
      await this.cassandraClient.connect();
    }
    return this.cassandraClient;
  }

  scheduleSettings() {
    return {
      scheduleId: this.config.schedule.id,
      intervalMs: this.config.schedule.intervalMs,
      usersPerSlot: this.config.schedule.usersPerSlot,
      taskQueue: this.config.temporal.ingestTaskQueue,
      slotTimeoutMs: this.config.schedule.slotTimeoutMs,
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      this.temporalClient?.then(({ connection }) => connection.close()),
      this.cassandraClient?.shutdown(),
    ]);
  }
}
