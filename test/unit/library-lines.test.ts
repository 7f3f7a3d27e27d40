import { isRetriedCall, serverAwayIn, type LineSource } from '../../src/servers/library-lines';

const SERVERS = { Temporal: ['127.0.0.1:7233'], Kafka: ['127.0.0.1:9092'], Cassandra: ['127.0.0.1:9042'] };

/** Lines the libraries printed during the outages of fault-servers-down.test.ts, and lines that are no outage. */
const CASES: [LineSource, string, string | undefined][] = [
  ['kafkajs', '[kafka] Connection error: connect ECONNREFUSED 127.0.0.1:9092', 'Kafka'],
  ['kafkajs', '[kafka] Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092', 'Kafka'],
  ['kafkajs', '[kafka] Restarting the consumer in 3000ms', 'Kafka'],
  ['kafkajs', '[kafka] Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9092', 'Kafka'],
  ['kafkajs', '[kafka] Error when calling eachBatch: ServiceError: Failed to start Workflow', 'Temporal'],
  ['temporal-sdk', 'Worker failed to poll: Status { code: Unavailable, message: "tcp connect error" }', 'Temporal'],
  ['temporal-sdk', 'Error when recording heartbeat: Status { code: Unavailable, message: "tcp connect error" }', 'Temporal'],
  ['temporal-sdk', 'Network error while completing activity', 'Temporal'],
  ['temporal-sdk', 'publishUsers failing: Connection error: connect ECONNREFUSED 127.0.0.1:9092', 'Kafka'],
  ['temporal-sdk', 'writeRows failing: All host(s) tried for query failed. First host tried, 127.0.0.1:9042: Host considered as DOWN. See innerErrors.', 'Cassandra'],
  ['temporal-sdk', 'fetchUsers failing: source answered HTTP 503 (http://127.0.0.1:8088/api/)', undefined],
  ['temporal-sdk', 'Workflow bundle loaded', undefined],
  ['kafkajs', '[kafka] The topic random_names has 6 partitions', undefined],
];

describe('which server a library line reports as away', () => {
  it.each(CASES)('%s: %s', (source, text, server) => {
    expect(serverAwayIn(source, text, SERVERS)).toBe(server);
  });
});

describe("the Temporal SDK's word that a call went through after retries", () => {
  it('is no outage of its own', () => {
    expect(isRetriedCall('temporal-sdk', 'gRPC call start_workflow_execution retried 6 times')).toBe(true);
    expect(serverAwayIn('temporal-sdk', 'gRPC call start_workflow_execution retried 6 times', SERVERS)).toBeUndefined();
    expect(isRetriedCall('kafkajs', 'gRPC call start_workflow_execution retried 6 times')).toBe(false);
  });
});
