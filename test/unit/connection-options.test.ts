import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import { toNativeClientOptions } from '@temporalio/worker/lib/connection-options';
import { auth } from 'cassandra-driver';
import { cassandraConnectionOptions } from '../../src/cassandra/connection-options';
import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { kafkaConnectionOptions } from '../../src/kafka/connection-options';
import { temporalConnectionOptions } from '../../src/temporal/connection-options';
import { makePemFiles, type PemFiles } from '../support/pem-files';

/** The option objects each client library receives, from environment variables through loadPipelineConfig. */
describe('connection options', () => {
  let pem: PemFiles;
  let certPem: string;
  let keyPem: string;
  beforeAll(() => {
    pem = makePemFiles();
    certPem = fs.readFileSync(pem.cert, 'utf8');
    keyPem = fs.readFileSync(pem.key, 'utf8');
  });
  afterAll(() => pem.remove());

  describe('Temporal', () => {
    const optionsFor = (env: NodeJS.ProcessEnv) => temporalConnectionOptions(loadPipelineConfig(env).temporal);

    it('connects in plain text by default, and says so', () => {
      expect(optionsFor({})).toEqual({ address: '127.0.0.1:7233', tls: false });
    });

    it.each([
      [{ TEMPORAL_TLS: 'true' }, {}],
      [{ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }, { serverNameOverride: 'temporal.internal' }],
    ])('maps %j to the SDK tls option %j', (env, tls) => {
      expect(optionsFor(env)).toEqual({ address: '127.0.0.1:7233', tls });
    });

    it('passes the CA and the client certificate pair as bytes', () => {
      const options = optionsFor({ TEMPORAL_TLS_CA_FILE: pem.cert, TEMPORAL_TLS_CERT_FILE: pem.cert, TEMPORAL_TLS_KEY_FILE: pem.key, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
      expect(options).toEqual({
        address: '127.0.0.1:7233',
        tls: { serverNameOverride: 'temporal.internal', serverRootCACertificate: Buffer.from(certPem), clientCertPair: { crt: Buffer.from(certPem), key: Buffer.from(keyPem) } },
      });
    });

    it('passes the API key over TLS, or over plain text when TEMPORAL_TLS=false', () => {
      expect(optionsFor({ TEMPORAL_API_KEY: 'cloud-key' })).toEqual({ address: '127.0.0.1:7233', tls: {}, apiKey: 'cloud-key' });
      expect(optionsFor({ TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS: 'false' })).toEqual({ address: '127.0.0.1:7233', tls: false, apiKey: 'cloud-key' });
    });

    it('is understood by the worker SDK (NativeConnection): TLS material, server name and API key reach Core', () => {
      const native = toNativeClientOptions(
        optionsFor({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS_CA_FILE: pem.cert, TEMPORAL_TLS_CERT_FILE: pem.cert, TEMPORAL_TLS_KEY_FILE: pem.key, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }),
      );
      expect(native).toMatchObject({
        targetUrl: 'https://ns.acct.tmprl.cloud:7233',
        apiKey: 'cloud-key',
        tls: { domain: 'temporal.internal', serverRootCaCert: Buffer.from(certPem), clientTlsOptions: { clientCert: Buffer.from(certPem), clientPrivateKey: Buffer.from(keyPem) } },
      });
      const plain = toNativeClientOptions(optionsFor({ TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS: 'false' }));
      expect({ targetUrl: plain.targetUrl, tls: plain.tls, apiKey: plain.apiKey }).toEqual({ targetUrl: 'http://127.0.0.1:7233', tls: null, apiKey: 'cloud-key' });
    });

    it('is understood by the client SDK (Connection): a secure channel exactly when TLS is on', async () => {
      const secure = Connection.lazy(optionsFor({ TEMPORAL_TLS_CA_FILE: pem.cert, TEMPORAL_TLS_CERT_FILE: pem.cert, TEMPORAL_TLS_KEY_FILE: pem.key }));
      const plain = Connection.lazy(optionsFor({ TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS: 'false' }));
      try {
        expect(secure.options.credentials._isSecure()).toBe(true);
        expect(plain.options.credentials._isSecure()).toBe(false);
      } finally {
        await Promise.all([secure.close(), plain.close()]);
      }
    });
  });

  describe('Kafka', () => {
    const optionsFor = (env: NodeJS.ProcessEnv) => kafkaConnectionOptions(loadPipelineConfig(env).kafka);

    it('adds neither ssl nor sasl by default', () => {
      expect(optionsFor({})).toEqual({ clientId: 'random-names-pipeline', brokers: ['127.0.0.1:9092'] });
    });

    it.each([
      ['TLS on', () => ({ KAFKA_TLS: 'true' }), () => ({ rejectUnauthorized: true })],
      ['a CA', () => ({ KAFKA_TLS_CA_FILE: pem.cert }), () => ({ rejectUnauthorized: true, ca: certPem })],
      ['a client certificate', () => ({ KAFKA_TLS_CERT_FILE: pem.cert, KAFKA_TLS_KEY_FILE: pem.key }), () => ({ rejectUnauthorized: true, cert: certPem, key: keyPem })],
    ])('maps %s to kafkajs ssl', (_, env, ssl) => {
      expect(optionsFor(env())).toEqual({ clientId: 'random-names-pipeline', brokers: ['127.0.0.1:9092'], ssl: ssl() });
    });

    it.each(['plain', 'scram-sha-256', 'scram-sha-512'])('maps SASL %s to kafkajs sasl with the password revealed', (mechanism) => {
      expect(optionsFor({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'pipeline', KAFKA_SASL_PASSWORD: 'kafka-pass', KAFKA_TLS: 'true' })).toEqual({
        clientId: 'random-names-pipeline',
        brokers: ['127.0.0.1:9092'],
        ssl: { rejectUnauthorized: true },
        sasl: { mechanism, username: 'pipeline', password: 'kafka-pass' },
      });
    });
  });

  describe('Cassandra', () => {
    const optionsFor = (env: NodeJS.ProcessEnv) => cassandraConnectionOptions(loadPipelineConfig(env).cassandra);

    it('adds neither authProvider nor sslOptions by default', () => {
      expect(optionsFor({})).toEqual({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
    });

    it('authenticates with the configured username and password (SASL PLAIN bytes)', async () => {
      const { authProvider } = optionsFor({ CASSANDRA_USERNAME: 'cassandra', CASSANDRA_PASSWORD: 'cassandra-pass' });
      expect(authProvider).toBeInstanceOf(auth.PlainTextAuthProvider);
      const response = await new Promise<Buffer>((resolve, reject) =>
        authProvider!.newAuthenticator('127.0.0.1:9042', 'org.apache.cassandra.auth.PasswordAuthenticator').initialResponse((error: Error | null, bytes: Buffer) => (error ? reject(error) : resolve(bytes))),
      );
      expect(response.toString('utf8')).toBe('\0cassandra\0cassandra-pass');
    });

    it('verifies the server certificate: the driver would not unless told', () => {
      expect(optionsFor({ CASSANDRA_TLS: 'true' }).sslOptions).toEqual({ rejectUnauthorized: true });
      expect(optionsFor({ CASSANDRA_TLS_CA_FILE: pem.cert, CASSANDRA_TLS_CERT_FILE: pem.cert, CASSANDRA_TLS_KEY_FILE: pem.key }).sslOptions).toEqual({ rejectUnauthorized: true, ca: certPem, cert: certPem, key: keyPem });
    });
  });
});
