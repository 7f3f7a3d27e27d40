import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ephemeralPortRange, inRange, portHolder } from '../../src/dev/stack/ports';
import { failureLine } from '../../src/dev/stack/processes';

function listen(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.on('error', () => undefined));
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

async function freePort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('what holds a port a server is about to bind', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('a listener, the local end of an open connection, or nothing', async () => {
    const server = await listen();
    servers.push(server);
    // An outgoing connection: the kernel gives its local end a port of the ephemeral range.
    const client = net.connect({ port: portOf(server), host: '127.0.0.1' });
    sockets.push(client);
    await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
    const held = client.localPort!;

    expect(await portHolder(portOf(server))).toBe('listener');
    expect(await portHolder(held)).toBe('connection');
    expect(await portHolder(await freePort())).toBeUndefined();
  });

  it('reads the kernel\'s ephemeral range, and says undefined where there is none', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'port-range-')), 'ip_local_port_range');
    fs.writeFileSync(file, '32768\t60999\n');
    const range = ephemeralPortRange(file);
    expect(range).toEqual({ low: 32768, high: 60999 });
    expect([32767, 32768, 37000, 60999, 61000].map((port) => inRange(port, range))).toEqual([false, true, true, true, false]);
    expect(ephemeralPortRange(path.join(path.dirname(file), 'missing'))).toBeUndefined();
    expect(inRange(37000, undefined)).toBe(false);
  });
});

describe('the log line that says why a server stopped', () => {
  it('is the exception of a Java server, without its package or stack trace', () => {
    const log = [
      'INFO  [main] 2026-12-07 17:48:30,601 StorageService.java:1162 - Gossip not settled',
      'ERROR [main] 2026-12-07 17:48:30,677 CassandraDaemon.java:887 - Fatal configuration error',
      'org.apache.cassandra.exceptions.ConfigurationException: /127.0.0.1:37000 is in use by another process.  Change listen_address:storage_port in cassandra.yaml to values that do not conflict with other services',
      '\tat org.apache.cassandra.net.InboundConnectionInitiator.bind(InboundConnectionInitiator.java:193)',
      '\tat org.apache.cassandra.service.CassandraDaemon.main(CassandraDaemon.java:865)',
      'INFO  [StorageServiceShutdownHook] 2026-12-07 17:48:30,738 StorageService.java:1004 - Cassandra shutdown complete',
    ].join('\n');
    expect(failureLine(log)).toBe('ConfigurationException: /127.0.0.1:37000 is in use by another process.  Change listen_address:storage_port in cassandra.yaml to values that do not conflict with other services');
  });

  it('is the last error line when the log names no exception, and undefined when it names no error', () => {
    expect(failureLine('[2026-12-07 17:00:00,000] INFO starting\n[2026-12-07 17:00:01,000] ERROR Exiting Kafka due to fatal exception during startup.\n')).toBe(
      '[2026-12-07 17:00:01,000] ERROR Exiting Kafka due to fatal exception during startup.',
    );
    expect(failureLine('INFO started\nINFO stopping\n')).toBeUndefined();
  });
});
