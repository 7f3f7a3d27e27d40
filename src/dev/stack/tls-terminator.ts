// The local stack's TLS terminator in front of Temporal's dev server, which has no TLS of its own
// (STACK_TLS=1): `node tls-terminator.js <listen port> <target port> <cert> <key> <ca>`. It accepts
// only clients with a certificate signed by the stack's CA, offers HTTP/2 (gRPC) by ALPN, and passes
// the decrypted bytes on to 127.0.0.1:<target port>.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [listenPort, targetPort, certFile, keyFile, caFile] = process.argv.slice(2);
if (!listenPort || !targetPort || !certFile || !keyFile || !caFile) {
  console.error('usage: tls-terminator <listen port> <target port> <cert> <key> <ca>');
  process.exit(2);
}

const server = tls.createServer(
  {
    cert: fs.readFileSync(certFile),
    key: fs.readFileSync(keyFile),
    ca: fs.readFileSync(caFile),
    requestCert: true,
    rejectUnauthorized: true,
    ALPNProtocols: ['h2'],
    minVersion: 'TLSv1.2',
  },
  (client) => {
    const upstream = net.connect(Number(targetPort), '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  },
);
// A handshake a client failed (wrong CA, no certificate): the client is told by TLS; log one line here.
server.on('tlsClientError', (error, socket) => {
  console.error(`${new Date().toISOString()} refused a client from ${socket.remoteAddress ?? '?'}: ${error.message}`);
});
server.listen(Number(listenPort), '127.0.0.1', () => console.log(`tls-terminator: 127.0.0.1:${listenPort} -> 127.0.0.1:${targetPort}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)));
