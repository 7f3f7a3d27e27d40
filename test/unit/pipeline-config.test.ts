import { ConfigError } from '../../src/config/parse-env';
import { loadPipelineConfig, parseDurationMs, usesExternalServers } from '../../src/config/pipeline-config';

describe('pipeline configuration', () => {
  it('has working defaults for the embedded local stack', () => {
    const config = loadPipelineConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.kafka).toMatchObject({ brokers: ['127.0.0.1:9092'], topic: 'random_names', dlqTopic: 'random_names.dlq', partitions: 6 });
    expect(config.cassandra).toMatchObject({ keyspace: 'pipeline', table: 'random_names', contactPoints: ['127.0.0.1:9042'] });
    expect(config.cassandra.credentials).toBeUndefined();
    expect(config.schedule).toEqual({ id: 'random-names', intervalMs: 10_000, usersPerSlot: 1 });
    expect(config.source.url).toBeUndefined();
  });

  it('reads every kind of setting', () => {
    const config = loadPipelineConfig({
      KAFKA_BROKERS: 'a:1, b:2',
      SCHEDULE_INTERVAL: '1s',
      USERS_PER_SLOT: '5000',
      CASSANDRA_USERNAME: 'cassandra',
      CASSANDRA_PASSWORD: 'secret',
      SOURCE_URL: 'https://randomuser.me/api/',
      BATCH_MAX_WAIT: '250ms',
      KAFKA_TOPIC: 'people',
    });
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.kafka.dlqTopic).toBe('people.dlq');
    expect(config.schedule.intervalMs).toBe(1000);
    expect(config.schedule.usersPerSlot).toBe(5000);
    expect(config.cassandra.credentials).toEqual({ username: 'cassandra', password: 'secret' });
    expect(config.source.url).toBe('https://randomuser.me/api/');
    expect(config.batch.maxWaitMs).toBe(250);
  });

  it.each([
    ['USERS_PER_SLOT', '0', /USERS_PER_SLOT="0" is invalid: expected at least 1/],
    ['USERS_PER_SLOT', '5001', /USERS_PER_SLOT="5001" is invalid: expected at most 5000/],
    ['USERS_PER_SLOT', 'many', /USERS_PER_SLOT="many" is invalid: expected number/],
    ['SCHEDULE_INTERVAL', '10', /SCHEDULE_INTERVAL="10" is invalid: expected a duration such as 500ms, 10s, 5m or 1h/],
    ['SCHEDULE_INTERVAL', '500ms', /SCHEDULE_INTERVAL="500ms" is invalid: expected at least 1000|at least 1s/],
    ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS="localhost" is invalid: expected host:port/],
    ['CASSANDRA_KEYSPACE', 'drop table; --', /CASSANDRA_KEYSPACE=.* is invalid: expected a lower-case CQL identifier/],
    ['CASSANDRA_TABLE', 'Names', /CASSANDRA_TABLE="Names" is invalid/],
    ['SOURCE_URL', 'ftp://example.com', /SOURCE_URL="ftp:\/\/example.com" is invalid/],
    ['TEMPORAL_ADDRESS', 'temporal', /TEMPORAL_ADDRESS="temporal" is invalid: expected host:port/],
  ])('%s=%s gets one clear line', (name, value, message) => {
    let error: unknown;
    try {
      loadPipelineConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('asks for username and password together', () => {
    expect(() => loadPipelineConfig({ CASSANDRA_USERNAME: 'cassandra' })).toThrow('CASSANDRA_PASSWORD is not set');
  });

  it('treats empty variables as unset', () => {
    expect(loadPipelineConfig({ USERS_PER_SLOT: '' }).schedule.usersPerSlot).toBe(1);
  });

  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it('knows when external servers are named', () => {
    expect(usesExternalServers({})).toBe(false);
    expect(usesExternalServers({ KAFKA_BROKERS: 'kafka:9092' })).toBe(true);
  });
});
