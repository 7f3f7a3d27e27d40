import { Client, Connection } from '@temporalio/client';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { createCassandraClient } from '../cassandra/client';
import type { PipelineConfig } from '../config/pipeline-config';
import { createKafka } from '../kafka/client';
import { slotScheduleSettings } from '../schedule/ensure-schedule';
import { CommandError } from './usage';
import { waitingOn } from './waiting';
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
    return (await waitingOn(`Temporal at ${this.config.temporal.address} (TEMPORAL_ADDRESS)`, this.temporalClient)).client;
  }

  kafka(): Kafka {
    this.kafkaClient ??= createKafka(this.config.kafka);
    return this.kafkaClient;
  }

  async cassandra(): Promise<CassandraClient> {
    if (!this.cassandraClient) {
      this.cassandraClient = createCassandraClient(this.config.cassandra);
      await waitingOn(`Cassandra at ${this.config.cassandra.contactPoints.join(',')} (CASSANDRA_CONTACT_POINTS)`, this.cassandraClient.connect());
    }
    return this.cassandraClient;
  }

  /** Work against Kafka that says which brokers it waits for, after checking that the topics it reads exist. */
  async withKafka<T>(topics: string[], work: (kafka: Kafka) => Promise<T>): Promise<T> {
    const brokers = `Kafka at ${this.config.kafka.brokers.join(',')} (KAFKA_BROKERS)`;
    // Only reaching the brokers is waiting; the work itself may take long and says nothing.
    await waitingOn(brokers, (async () => {
      const admin = this.kafka().admin();
      await admin.connect();
      try {
        const present = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !present.has(t));
        if (missing.length > 0) throw new CommandError(`topic ${missing.join(' and ')} does not exist yet on ${this.config.kafka.brokers.join(',')}: npm start (or npm run prepare:pipeline) creates the pipeline's topics`);
      } finally {
        await admin.disconnect();
      }
    })());
    return work(this.kafka());
  }

  scheduleSettings() {
    return slotScheduleSettings(this.config);
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      this.temporalClient?.then(({ connection }) => connection.close()),
      this.cassandraClient?.shutdown(),
    ]);
  }
}
