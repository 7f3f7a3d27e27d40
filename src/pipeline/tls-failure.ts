/** The three servers, as a line names them, with the prefix of their variables. */
export type TlsServer = 'Temporal' | 'Kafka' | 'Cassandra';

const VARIABLE: Record<TlsServer, string> = { Temporal: 'TEMPORAL', Kafka: 'KAFKA', Cassandra: 'CASSANDRA' };
const ADDRESS_VARIABLES: Record<TlsServer, string> = {
  Temporal: 'TEMPORAL_TLS_SERVER_NAME and TEMPORAL_ADDRESS',
  Kafka: 'KAFKA_BROKERS',
  Cassandra: 'CASSANDRA_CONTACT_POINTS',
};

/**
 * Pure: what a failed TLS handshake means, from a driver's message (Node's OpenSSL errors for Kafka and
 * Cassandra, rustls for Temporal's core), as one line that names the server and the variables to check.
 * Undefined when the message is not a TLS failure.
 */
export function describeTlsFailure(server: TlsServer, address: string | undefined, driverMessage: string): string | undefined {
  const v = VARIABLE[server];
  const rules: [RegExp, string][] = [
    [/certificate has expired|CERT_HAS_EXPIRED|InvalidCertificate\(Expired/i, `the server's certificate has expired or is not valid yet (the server's to renew; check the clocks)`],
    [/NotValidForName|altnames|ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate/i, `the server's certificate is not valid for the name it was reached by (check ${ADDRESS_VARIABLES[server]})`],
    [/UnknownIssuer|unable to verify|self[- ]signed certificate|unable to get local issuer|BadSignature/i, `the server's certificate is not signed by a CA this client trusts (check ${v}_TLS_CA_FILE)`],
    [/certificate required|CertificateRequired/i, `the server requires a client certificate (set ${v}_TLS_CERT_FILE and ${v}_TLS_KEY_FILE)`],
    [/alert bad certificate|BadCertificate|alert unknown ca|UnknownCA|alert certificate unknown/i, `the server refused the client certificate, or wanted one and got none (check ${v}_TLS_CERT_FILE and ${v}_TLS_KEY_FILE: a certificate signed by a CA the server trusts)`],
    [/wrong version number|packet length too long|InvalidContentType|CorruptMessage|record overflow/i, `the server does not speak TLS on that port (check ${v}_TLS and the port)`],
  ];
  const found = rules.find(([pattern]) => pattern.test(driverMessage));
  return found ? `${server}${address ? ` at ${address}` : ''}: TLS handshake failed: ${found[1]}` : undefined;
}
