import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ephemeralPortRange, inRange } from '../../src/dev/stack/ports';
import { emptyStackEnv, runStack } from '../support/empty-stack';

function listen(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.on('error', () => undefined));
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => resolve(server));
  });
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

/** An outgoing connection: its local end is a port the kernel picked from its ephemeral range. */
async function connectTo(server: net.Server): Promise<net.Socket> {
  const socket = net.connect({ port: portOf(server), host: '127.0.0.1' });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/**
 * `stack up` checks every port of every server before it starts any: a port that is the local end of
 * an open connection stopped Cassandra at start ("is in use by another process"), which the stack saw
 * only as "the process exited before answering". Servers of an empty stack folder of the test's own.
 */
describe('stack up: ports held by another process', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];
  const dirs: string[] = [];
  const env = (overrides: Record<string, string>) => {
    const e = { ...emptyStackEnv('stack-ports'), ...overrides };
    dirs.push(e.STACK_DIR!);
    return e;
  };
  const started = (dataDir: string) => (fs.existsSync(path.join(dataDir, 'run')) ? fs.readdirSync(path.join(dataDir, 'run')) : []);

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a port that is the local end of a connection: one line naming it and the ephemeral range, and no server started', async () => {
    const server = await listen();
    servers.push(server);
    const socket = await connectTo(server);
    sockets.push(socket);
    const held = socket.localPort!;
    const range = ephemeralPortRange();
    expect(inRange(held, range)).toBe(true);

    const e = env({ STACK_CASSANDRA_STORAGE_PORT: String(held) });
    const result = await runStack(['up'], e);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `error: cassandra: port 127.0.0.1:${held} is held by the local end of an open connection; the kernel hands out ports of its ephemeral range (${range!.low}-${range!.high}) to outgoing connections: choose a port outside it with the STACK_* variables`,
    );
    // Temporal and Kafka come before Cassandra, and were not started either.
    expect(started(e.STACK_DIR!)).toEqual([]);
  }, 180_000);

  it('a port another server listens on: the line says so, and no server started; a free port of the ephemeral range is warned of', async () => {
    const server = await listen();
    servers.push(server);
    const spare = await listen();
    const free = portOf(spare);
    await new Promise((resolve) => spare.close(resolve));
    const range = ephemeralPortRange();
    const e = env({ STACK_KAFKA_PORT: String(portOf(server)), STACK_TEMPORAL_UI_PORT: String(free) });
    const result = await runStack(['up'], e);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`error: kafka: port 127.0.0.1:${portOf(server)} is already in use by a process this stack did not start (stop it, or choose another port with the STACK_* variables)`);
    expect(result.stdout).toContain(
      `warning: temporal's port ${free} lies in the machine's ephemeral range (${range!.low}-${range!.high}): an outgoing connection can take it and stop the server from starting`,
    );
    expect(started(e.STACK_DIR!)).toEqual([]);
  }, 180_000);
});
