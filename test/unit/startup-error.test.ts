import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { describeStartupError } from '../../src/pipeline/startup-error';

describe('describeStartupError', () => {
  const config = loadPipelineConfig({ CASSANDRA_CONTACT_POINTS: 'db1:9042', KAFKA_BROKERS: 'k1:9094' });

  it('names Cassandra and the variables to check when the credentials are turned down', () => {
    const error = Object.assign(new Error('All host(s) tried for query failed. First host tried, db1:9042: AuthenticationError: bad'), {
      name: 'NoHostAvailableError',
      innerErrors: { 'db1:9042': { name: 'AuthenticationError', message: 'Provided username app and/or password are incorrect' } },
    });
    expect(describeStartupError(error, config)).toBe('Cassandra at db1:9042 rejected the credentials (check CASSANDRA_USERNAME and CASSANDRA_PASSWORD): Provided username app and/or password are incorrect');
  });

  it('names Kafka and the SASL variables for a SASL failure', () => {
    const error = Object.assign(new Error('SASL PLAIN authentication failed: Invalid username or password'), { name: 'KafkaJSSASLAuthenticationError' });
    expect(describeStartupError(error, config)).toMatch(/^Kafka at k1:9094 rejected the SASL credentials \(check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD\): SASL PLAIN/);
  });

  it('keeps any other error to its first line', () => {
    expect(describeStartupError(new Error('first\nsecond'))).toBe('first');
  });

  it('says which command creates a keyspace or table that does not exist yet', () => {
    expect(describeStartupError(new Error("Keyspace 'pipeline' does not exist"))).toBe('Cassandra keyspace pipeline (CASSANDRA_KEYSPACE) does not exist yet: npm start (or npm run prepare:pipeline) applies cql/ and creates it');
    expect(describeStartupError(new Error('unconfigured table random_names'))).toBe('Cassandra table random_names (CASSANDRA_TABLE) does not exist yet: npm start (or npm run prepare:pipeline) applies cql/ and creates it');
  });
});
