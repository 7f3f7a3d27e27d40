import { describeTlsFailure } from '../../src/pipeline/tls-failure';
import { describeStartupError } from '../../src/pipeline/startup-error';
import { loadPipelineConfig } from '../../src/config/pipeline-config';

/** Drivers' own words for failed handshakes, as this machine's Node (OpenSSL) and the Temporal core (rustls) report them. */
describe('a failed TLS handshake in one line, naming the server and the variables to check', () => {
  it.each([
    ['Temporal', 'tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }))', /not signed by a CA this client trusts \(check TEMPORAL_TLS_CA_FILE\)$/],
    ['Temporal', 'InvalidCertificate(NotValidForNameContext { expected: DnsName("x") })', /not valid for the name .*\(check TEMPORAL_TLS_SERVER_NAME and TEMPORAL_ADDRESS\)$/],
    ['Temporal', 'InvalidCertificate(Expired)', /has expired or is not valid yet/],
    ['Temporal', 'received fatal alert: CertificateRequired', /requires a client certificate \(set TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE\)$/],
    ['Kafka', 'Connection error: unable to verify the first certificate', /\(check KAFKA_TLS_CA_FILE\)$/],
    ['Kafka', 'Connection error: self-signed certificate in certificate chain', /\(check KAFKA_TLS_CA_FILE\)$/],
    ['Kafka', 'Connection error: certificate has expired', /has expired/],
    ["Kafka", "Connection error: Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list", /not valid for the name .*\(check KAFKA_BROKERS\)$/],
    ['Kafka', 'Connection error: ...:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:...', /refused the client certificate, or wanted one and got none \(check KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE/],
    ['Cassandra', 'Error: ...:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:...', /requires a client certificate \(set CASSANDRA_TLS_CERT_FILE and CASSANDRA_TLS_KEY_FILE\)$/],
    ['Cassandra', 'Error: ...:SSL routines:ssl3_get_record:wrong version number', /does not speak TLS on that port \(check CASSANDRA_TLS and the port\)$/],
  ] as const)('%s: %s', (server, message, meaning) => {
    const line = describeTlsFailure(server, '127.0.0.1:1', message);
    expect(line).toMatch(new RegExp(`^${server} at 127\\.0\\.0\\.1:1: TLS handshake failed: `));
    expect(line).toMatch(meaning);
  });

  it('says nothing about a failure that is not TLS', () => {
    expect(describeTlsFailure('Kafka', undefined, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBeUndefined();
  });

  it('tells the three drivers apart in a startup error', () => {
    const config = loadPipelineConfig({ TEMPORAL_ADDRESS: 't:7233', KAFKA_BROKERS: 'k:9093', CASSANDRA_CONTACT_POINTS: 'c:9142' });
    expect(describeStartupError(new Error('tonic::transport::Error(Transport, InvalidCertificate(UnknownIssuer))'), config)).toMatch(/^Temporal at t:7233: TLS handshake failed/);
    expect(describeStartupError(Object.assign(new Error('Connection error: unable to verify the first certificate'), { name: 'KafkaJSConnectionError' }), config)).toMatch(/^Kafka at k:9093: TLS handshake failed/);
    const cassandra = Object.assign(new Error('All host(s) tried for query failed.'), { name: 'NoHostAvailableError', innerErrors: { 'c:9142': new Error('unable to verify the first certificate') } });
    expect(describeStartupError(cassandra, config)).toMatch(/^Cassandra at c:9142: TLS handshake failed: .*CASSANDRA_TLS_CA_FILE/);
  });
});
