import fs from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseEnv } from '../../src/config/parse-env';
import { loadPipelineConfig, parseDurationMs, PIPELINE_ENV_VARIABLES, SECRET_ENV_VARIABLES, usesExternalServers, type PipelineConfig } from '../../src/config/pipeline-config';
import { PemFile, type PemKind } from '../../src/config/pem-file';
import { makePemFiles, type PemFiles } from '../support/pem-files';

describe('pipeline configuration', () => {
  it('has working defaults for the embedded local stack', () => {
    const config = loadPipelineConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.kafka).toMatchObject({ brokers: ['127.0.0.1:9092'], topic: 'random_names', dlqTopic: 'random_names.dlq', partitions: 6 });
    expect(config.cassandra).toMatchObject({ keyspace: 'pipeline', table: 'random_names', contactPoints: ['127.0.0.1:9042'] });
    expect(config.cassandra.credentials).toBeUndefined();
    expect({ temporal: config.temporal.tls, apiKey: config.temporal.apiKey, kafka: config.kafka.tls, sasl: config.kafka.sasl, cassandra: config.cassandra.tls }).toEqual({});
    expect(config.schedule).toEqual({ id: 'random-names', intervalMs: 10_000, usersPerSlot: 1, slotTimeoutMs: 3_600_000, catchUpMaxGapMs: 3_600_000 });
    expect(config.source.url).toBeUndefined();
  });

  it('bounds the adaptive batch size and the sink\'s fetch: defaults, a lower cap, and a floor above the cap refused', () => {
    expect(loadPipelineConfig({}).batch).toEqual({ minRecords: 500, maxRecords: 20_000, maxWaitMs: 500, fetchMaxBytes: 3 * 1024 * 1024, consumers: 3 });
    expect(loadPipelineConfig({ SINK_CONSUMERS: '1' }).batch.consumers).toBe(1);
    expect(() => loadPipelineConfig({ SINK_CONSUMERS: '0' })).toThrow(/^SINK_CONSUMERS/);
    expect(() => loadPipelineConfig({ SINK_CONSUMERS: 'two' })).toThrow(/^SINK_CONSUMERS/);
    // A cap below the default floor brings the floor down with it (tests and small deployments).
    expect(loadPipelineConfig({ BATCH_MAX_RECORDS: '50' }).batch).toMatchObject({ minRecords: 50, maxRecords: 50 });
    expect(loadPipelineConfig({ BATCH_MIN_RECORDS: '100', BATCH_MAX_RECORDS: '5000' }).batch).toMatchObject({ minRecords: 100, maxRecords: 5000 });
    expect(() => loadPipelineConfig({ BATCH_MIN_RECORDS: '600', BATCH_MAX_RECORDS: '500' })).toThrow(/^BATCH_MIN_RECORDS: 600 is more than BATCH_MAX_RECORDS \(500\)/);
    expect(loadPipelineConfig({}).cassandra).toMatchObject({ writeConcurrency: 128, writeBatch: { rows: 96, bytes: 48_000 } });
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
    expect(config.cassandra.credentials?.username).toBe('cassandra');
    expect(config.cassandra.credentials?.password.reveal()).toBe('secret');
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
    ['CASSANDRA_WRITE_CONSISTENCY', 'MOST', /CASSANDRA_WRITE_CONSISTENCY="MOST" is invalid: expected one of "ONE", .*"LOCAL_QUORUM"/],
    ['CASSANDRA_WRITE_CONSISTENCY', 'ANY', /CASSANDRA_WRITE_CONSISTENCY="ANY" is invalid/],
    ['CASSANDRA_WRITE_CONSISTENCY', 'TWO', /CASSANDRA_WRITE_CONSISTENCY: TWO needs 2 replicas, but CASSANDRA_REPLICATION_FACTOR is 1/],
    ['CASSANDRA_TTL', '-1', /CASSANDRA_TTL="-1" is invalid: expected at least 0/],
    ['CASSANDRA_TTL', '1.5', /CASSANDRA_TTL="1.5" is invalid/],
    ['CASSANDRA_TTL', '630720001', /CASSANDRA_TTL="630720001" is invalid: expected at most 630720000/],
    ['CASSANDRA_TTL', 'a day', /CASSANDRA_TTL="a day" is invalid: expected number/],
    ['BATCH_MIN_RECORDS', '0', /BATCH_MIN_RECORDS="0" is invalid: expected at least 1/],
    ['BATCH_MIN_RECORDS', '20000', /BATCH_MIN_RECORDS="20000" is invalid: expected at most 10000/],
    ['SINK_FETCH_MAX_BYTES', '1000', /SINK_FETCH_MAX_BYTES="1000" is invalid: expected at least 1048576/],
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

  it('writes at LOCAL_QUORUM with the table\'s own TTL by default; both can be set, the level in any case', () => {
    expect(loadPipelineConfig({}).cassandra).toMatchObject({ writeConsistency: 'LOCAL_QUORUM' });
    expect(loadPipelineConfig({}).cassandra.ttlSeconds).toBeUndefined();
    const set = loadPipelineConfig({ CASSANDRA_WRITE_CONSISTENCY: 'quorum', CASSANDRA_REPLICATION_FACTOR: '3', CASSANDRA_TTL: '86400' }).cassandra;
    expect(set).toMatchObject({ writeConsistency: 'QUORUM', ttlSeconds: 86_400, replicationFactor: 3 });
    expect(loadPipelineConfig({ CASSANDRA_TTL: '0' }).cassandra.ttlSeconds).toBe(0);
    expect(loadPipelineConfig({ CASSANDRA_WRITE_CONSISTENCY: 'THREE', CASSANDRA_REPLICATION_FACTOR: '3' }).cassandra.writeConsistency).toBe('THREE');
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

/** The ConfigError a configuration raises, checked to be one line. */
function configError(env: NodeJS.ProcessEnv): string {
  let error: unknown;
  try {
    loadPipelineConfig(env);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('credentials and TLS', () => {
  let pem: PemFiles;
  beforeAll(() => {
    pem = makePemFiles();
  });
  afterAll(() => pem.remove());

  const SERVERS = [
    ['TEMPORAL', 'temporal'],
    ['KAFKA', 'kafka'],
    ['CASSANDRA', 'cassandra'],
  ] as const;
  const tlsOf = (config: PipelineConfig, key: (typeof SERVERS)[number][1]) => config[key].tls;

  it('reads Kafka SASL credentials, the mechanism in any case', () => {
    const config = loadPipelineConfig({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'pipeline', KAFKA_SASL_PASSWORD: 'kafka-pass' });
    expect(config.kafka.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'pipeline' });
    expect(config.kafka.sasl?.password.reveal()).toBe('kafka-pass');
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
      expect(loadPipelineConfig({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).kafka.sasl?.mechanism).toBe(mechanism);
    }
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_USERNAME is not set: KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together'],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD is not set'],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'kafka-pass' }, 'KAFKA_SASL_MECHANISM is not set'],
    [{ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'kafka-pass' }, 'KAFKA_SASL_MECHANISM="gssapi" is invalid: expected one of "plain", "scram-sha-256", "scram-sha-512"'],
    [{ CASSANDRA_PASSWORD: 'cassandra-pass' }, 'CASSANDRA_USERNAME is not set'],
  ])('rejects the SASL and credential combination %j', (env, message) => {
    expect(configError(env)).toContain(message);
  });

  it.each(SERVERS)('%s_TLS=true turns TLS on with the system trust store; false or unset leaves it off', (server, key) => {
    expect(tlsOf(loadPipelineConfig({ [`${server}_TLS`]: 'true' }), key)).toEqual({});
    expect(tlsOf(loadPipelineConfig({ [`${server}_TLS`]: 'false' }), key)).toBeUndefined();
    expect(tlsOf(loadPipelineConfig({}), key)).toBeUndefined();
    expect(configError({ [`${server}_TLS`]: 'yes' })).toBe(`${server}_TLS="yes" is invalid: expected one of "true", "false"`);
  });

  it.each(SERVERS)('a %s CA file turns TLS on and is read at start', (server, key) => {
    const tls = tlsOf(loadPipelineConfig({ [`${server}_TLS_CA_FILE`]: pem.cert }), key);
    expect(tls?.ca?.path).toBe(pem.cert);
    expect(tls?.ca?.pem).toBe(fs.readFileSync(pem.cert, 'utf8'));
    expect(tls?.clientCert).toBeUndefined();
  });

  it.each(SERVERS)('a %s client certificate and key give mutual TLS', (server, key) => {
    const tls = tlsOf(loadPipelineConfig({ [`${server}_TLS_CERT_FILE`]: pem.cert, [`${server}_TLS_KEY_FILE`]: pem.key }), key);
    expect(tls?.clientCert?.cert.pem).toBe(fs.readFileSync(pem.cert, 'utf8'));
    expect(tls?.clientCert?.key.reveal().pem).toBe(fs.readFileSync(pem.key, 'utf8'));
    expect(tls?.ca).toBeUndefined();
  });

  it.each(SERVERS)('%s: certificate and key go together, and TLS=false contradicts a file', (server) => {
    expect(configError({ [`${server}_TLS_CERT_FILE`]: pem.cert })).toBe(`${server}_TLS_KEY_FILE is not set: ${server}_TLS_CERT_FILE and ${server}_TLS_KEY_FILE go together`);
    expect(configError({ [`${server}_TLS_KEY_FILE`]: pem.key })).toMatch(new RegExp(`^${server}_TLS_CERT_FILE is not set`));
    expect(configError({ [`${server}_TLS`]: 'false', [`${server}_TLS_CA_FILE`]: pem.cert })).toBe(`${server}_TLS=false contradicts ${server}_TLS_CA_FILE, which needs TLS: unset ${server}_TLS or ${server}_TLS_CA_FILE`);
  });

  it.each([
    ['does not exist', () => `${pem.dir}/missing.pem`, /^KAFKA_TLS_CA_FILE: .*missing\.pem does not exist$/],
    ['is a directory', () => pem.dir, /^KAFKA_TLS_CA_FILE: .* is a directory, not a PEM file$/],
    ['is not PEM', () => pem.notPem, /^KAFKA_TLS_CA_FILE: .*not-pem\.txt is not a PEM file \(no "-----BEGIN " line\)$/],
    ['holds a key, not a certificate', () => pem.key, /^KAFKA_TLS_CA_FILE: .*key\.pem is not a PEM certificate \(it holds PRIVATE KEY; expected CERTIFICATE\)$/],
  ])('rejects a CA file that %s', (_, file, message) => {
    expect(configError({ KAFKA_TLS_CA_FILE: file() })).toMatch(message);
  });

  it('rejects a key file that is a certificate, or an encrypted key, without showing the contents', () => {
    const contents = fs.readFileSync(pem.encryptedKey, 'utf8').split('\n')[1]!;
    expect(configError({ CASSANDRA_TLS_CERT_FILE: pem.cert, CASSANDRA_TLS_KEY_FILE: pem.cert })).toBe(`CASSANDRA_TLS_KEY_FILE: ${pem.cert} is not a PEM private key (it holds CERTIFICATE; expected PRIVATE KEY)`);
    const encrypted = configError({ TEMPORAL_TLS_CERT_FILE: pem.cert, TEMPORAL_TLS_KEY_FILE: pem.encryptedKey });
    expect(encrypted).toBe(`TEMPORAL_TLS_KEY_FILE: ${pem.encryptedKey} holds an encrypted private key; give the key unencrypted (no passphrase is read)`);
    expect(encrypted).not.toContain(contents);
  });

  it('rejects a file it may not read', () => {
    // Tests may run as root, which reads any file: the refusal comes from a stubbed read.
    const read = jest.spyOn(fs, 'readFileSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    try {
      expect(configError({ KAFKA_TLS_CA_FILE: pem.cert })).toBe(`KAFKA_TLS_CA_FILE: ${pem.cert} is not readable (permission denied)`);
    } finally {
      read.mockRestore();
    }
  });

  it('reads the Temporal server name and API key; the key implies TLS unless TEMPORAL_TLS=false', () => {
    const cloud = loadPipelineConfig({ TEMPORAL_API_KEY: 'temporal-key.abc', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' });
    expect(cloud.temporal.tls).toEqual({});
    expect(cloud.temporal.apiKey?.reveal()).toBe('temporal-key.abc');
    const plain = loadPipelineConfig({ TEMPORAL_API_KEY: 'temporal-key.abc', TEMPORAL_TLS: 'false' });
    expect(plain.temporal.tls).toBeUndefined();
    expect(plain.temporal.apiKey?.reveal()).toBe('temporal-key.abc');
    expect(loadPipelineConfig({ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).temporal.tls).toEqual({ serverName: 'temporal.internal' });
    expect(configError({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' })).toBe('TEMPORAL_TLS=false contradicts TEMPORAL_TLS_SERVER_NAME, which needs TLS: unset TEMPORAL_TLS or TEMPORAL_TLS_SERVER_NAME');
    expect(configError({ TEMPORAL_TLS_SERVER_NAME: 'not a name' })).toBe('TEMPORAL_TLS_SERVER_NAME="not a name" is invalid: expected a host name');
  });

  it('never shows a secret in an error message', () => {
    const secrets = { KAFKA_SASL_PASSWORD: 'kafka-hunter2', CASSANDRA_PASSWORD: 'cassandra-hunter2', TEMPORAL_API_KEY: 'temporal hunter2' };
    const message = configError(secrets);
    expect(message).toBe('TEMPORAL_API_KEY (value hidden) is invalid: expected printable ASCII without spaces');
    for (const env of [secrets, { ...secrets, TEMPORAL_API_KEY: 'ok' }, { ...secrets, TEMPORAL_API_KEY: 'ok', CASSANDRA_USERNAME: 'cassandra', KAFKA_SASL_MECHANISM: 'plain' }]) {
      expect(configError(env)).not.toContain('hunter2');
    }
    expect(configError({ ...secrets, TEMPORAL_API_KEY: 'ok', CASSANDRA_USERNAME: 'cassandra', KAFKA_SASL_MECHANISM: 'plain' })).toMatch(/^KAFKA_SASL_USERNAME is not set/);
  });

  it('parseEnv hides the values of the variables it is told are secret', () => {
    const schema = z.object({ TOKEN: z.string().min(20), NAME: z.string().min(20) });
    expect(() => parseEnv(schema, { TOKEN: 'short-secret', NAME: 'a'.repeat(20) }, { secrets: ['TOKEN'] })).toThrow(/^TOKEN \(value hidden\) is invalid: expected at least 20$/);
    expect(() => parseEnv(schema, { TOKEN: 'a'.repeat(20), NAME: 'short' }, { secrets: ['TOKEN'] })).toThrow('NAME="short" is invalid');
  });

  it('keeps passwords, the API key and private keys out of JSON.stringify, util.inspect and template strings', () => {
    const config = loadPipelineConfig({
      TEMPORAL_API_KEY: 'temporal-hunter2',
      TEMPORAL_TLS_CA_FILE: pem.cert,
      TEMPORAL_TLS_CERT_FILE: pem.cert,
      TEMPORAL_TLS_KEY_FILE: pem.key,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'pipeline',
      KAFKA_SASL_PASSWORD: 'kafka-hunter2',
      KAFKA_TLS_CERT_FILE: pem.cert,
      KAFKA_TLS_KEY_FILE: pem.key,
      CASSANDRA_USERNAME: 'cassandra',
      CASSANDRA_PASSWORD: 'cassandra-hunter2',
      CASSANDRA_TLS_CERT_FILE: pem.cert,
      CASSANDRA_TLS_KEY_FILE: pem.key,
    });
    const keyBody = fs.readFileSync(pem.key, 'utf8').split('\n')[1]!;
    const shown = [
      JSON.stringify(config),
      inspect(config, { depth: Infinity }),
      inspect(config, { depth: Infinity, showHidden: true }),
      `${config.kafka.sasl!.password} ${config.cassandra.credentials!.password} ${config.temporal.apiKey!}`,
    ];
    for (const text of shown) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(keyBody);
    }
    const json = JSON.parse(shown[0]!) as { kafka: { sasl: unknown; tls: unknown }; temporal: { apiKey: unknown } };
    expect(json.kafka.sasl).toEqual({ mechanism: 'plain', username: 'pipeline', password: '***' });
    expect(json.kafka.tls).toEqual({ clientCert: { cert: { path: pem.cert }, key: '***' } });
    expect(json.temporal.apiKey).toBe('***');
    expect(shown[1]).toContain(`PemFile(${pem.cert})`);
  });

  it('lists every new variable, the secret ones among them', () => {
    const added = ['TEMPORAL_TLS', 'TEMPORAL_TLS_CA_FILE', 'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_TLS', 'KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE', 'CASSANDRA_TLS', 'CASSANDRA_TLS_CA_FILE', 'CASSANDRA_TLS_CERT_FILE', 'CASSANDRA_TLS_KEY_FILE'];
    expect(PIPELINE_ENV_VARIABLES).toEqual(expect.arrayContaining(added));
    expect([...SECRET_ENV_VARIABLES].sort()).toEqual(['CASSANDRA_PASSWORD', 'KAFKA_SASL_PASSWORD', 'TEMPORAL_API_KEY']);
  });
});

describe('reading PEM files at start', () => {
  it('reads nothing when no file is named, and each named file once, as the kind it must be', () => {
    const reads: string[] = [];
    const readPem = (variable: string, path: string, kind: PemKind) => {
      reads.push(`${variable} ${path} ${kind}`);
      return new PemFile(path, `-----BEGIN ${kind === 'certificate' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----\n`);
    };
    loadPipelineConfig({ KAFKA_TLS: 'true', TEMPORAL_API_KEY: 'k' }, readPem);
    expect(reads).toEqual([]);
    loadPipelineConfig({ KAFKA_TLS_CA_FILE: '/ca.pem', CASSANDRA_TLS_CERT_FILE: '/client.pem', CASSANDRA_TLS_KEY_FILE: '/client-key.pem' }, readPem);
    expect(reads).toEqual(['KAFKA_TLS_CA_FILE /ca.pem certificate', 'CASSANDRA_TLS_CERT_FILE /client.pem certificate', 'CASSANDRA_TLS_KEY_FILE /client-key.pem private key']);
  });
});
