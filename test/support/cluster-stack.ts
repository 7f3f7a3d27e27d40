import path from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { types } from 'cassandra-driver';
import { kafkaBootstrap } from '../../src/dev/stack/services/kafka';
import { loadStackSettings, type StackSettings } from '../../src/dev/stack/settings';
import { IsolatedPipeline } from './isolated-pipeline';
import { TEST_NETWORK } from './worker-hosts';

/**
 * A stack of its own for the cluster tests: Temporal, one Kafka broker and a ring of three Cassandra
 * nodes, all on the machine's side of the test network (10.213.0.1–3), so worker hosts in their
 * namespaces reach them at the same addresses as the machine does. Plaintext, and ports of its own
 * beside the shared stack's.
 */
export function clusterStackSettings(): StackSettings {
  const shared = loadStackSettings();
  return loadStackSettings({
    ...process.env,
    STACK_DIR: path.join(shared.dataDir, 'cluster'),
    STACK_HOST: TEST_NETWORK.machineAddresses[0],
    STACK_CASSANDRA_NODES: '3',
    STACK_CASSANDRA_ADDRESSES: TEST_NETWORK.machineAddresses.join(','),
    STACK_CASSANDRA_JMX_PORT: '17199',
    STACK_CASSANDRA_HEAP: '768m',
    STACK_CASSANDRA_AUTH: 'none',
    STACK_TEMPORAL_PORT: '27233',
    STACK_TEMPORAL_UI_PORT: '28233',
    STACK_KAFKA_BROKERS: '1',
    STACK_KAFKA_PORT: '29092',
    STACK_KAFKA_CONTROLLER_PORT: '29093',
    STACK_KAFKA_SASL_PORT: '29094',
    STACK_TLS: '0',
  });
}

/** An isolated pipeline on the cluster stack: replication factor 3, writes at LOCAL_QUORUM, reads at QUORUM. */
export function clusterPipeline(settings: StackSettings, overrides: Record<string, string> = {}): Promise<IsolatedPipeline> {
  return IsolatedPipeline.create(
    {
      TEMPORAL_ADDRESS: `${settings.host}:${settings.temporal.port}`,
      TEMPORAL_UI_URL: `http://${settings.host}:${settings.temporal.uiPort}`,
      KAFKA_BROKERS: kafkaBootstrap(settings).join(','),
      CASSANDRA_CONTACT_POINTS: settings.cassandra.addresses.map((a) => `${a}:${settings.cassandra.port}`).join(','),
      CASSANDRA_REPLICATION_FACTOR: '3',
      CASSANDRA_WRITE_CONSISTENCY: 'LOCAL_QUORUM',
      KAFKA_TOPIC_PARTITIONS: '6',
      SCHEDULE_INTERVAL: '1s',
      USERS_PER_SLOT: '20',
      BATCH_MAX_WAIT: '100ms',
      ...overrides,
    },
    { readConsistency: types.consistencies.quorum },
  );
}

/** Which partitions of the pipeline's topic each member of its consumer group holds, by client address. */
export async function assignmentsByHost(pipeline: IsolatedPipeline): Promise<Map<string, number[]>> {
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([pipeline.config.kafka.consumerGroup]);
    const byHost = new Map<string, number[]>();
    for (const member of groups[0]?.members ?? []) {
      const decoded = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
      const partitions = decoded?.assignment[pipeline.config.kafka.topic] ?? [];
      const host = member.clientHost.replace(/^\//, '');
      byHost.set(host, [...(byHost.get(host) ?? []), ...partitions].sort((a, b) => a - b));
    }
    return byHost;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Samples the group's committed offsets until stopped, and counts every time a partition's committed
 * offset went backwards: a stale member's commit that the group took.
 */
export function watchCommittedOffsets(pipeline: IsolatedPipeline, everyMs = 200) {
  const admin = pipeline.kafka.admin();
  const highest = new Map<number, bigint>();
  const wentBack: { partition: number; from: string; to: string }[] = [];
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await admin.connect();
    while (running) {
      try {
        const [topic] = await admin.fetchOffsets({ groupId: pipeline.config.kafka.consumerGroup, topics: [pipeline.config.kafka.topic] });
        for (const { partition, offset } of topic?.partitions ?? []) {
          if (offset === '-1') continue;
          const now = BigInt(offset);
          const before = highest.get(partition);
          if (before !== undefined && now < before) wentBack.push({ partition, from: before.toString(), to: offset });
          if (before === undefined || now > before) highest.set(partition, now);
        }
        samples += 1;
      } catch {
        // the coordinator moves or is busy: the next sample tells
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    await admin.disconnect();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, wentBack };
    },
  };
}
