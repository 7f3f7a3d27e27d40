import fs from 'node:fs';
import net from 'node:net';

/** True when something accepts TCP connections on the port. */
export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when a server could not bind the port because a socket already holds it. */
function isPortBound(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * What holds a port a server is about to bind: a `listener` (another server), a `connection` (the
 * local end of an open connection, which the kernel hands out from its ephemeral range), or nothing.
 * A server cannot bind the port in either case, and a Java server then exits at start.
 */
export async function portHolder(port: number, host = '127.0.0.1'): Promise<'listener' | 'connection' | undefined> {
  if (await isPortOpen(port, host)) return 'listener';
  return (await isPortBound(port, host)) ? 'connection' : undefined;
}

export interface PortRange {
  low: number;
  high: number;
}

/** The ports the kernel gives outgoing connections (`net.ipv4.ip_local_port_range`); undefined where it cannot be read. */
export function ephemeralPortRange(file = '/proc/sys/net/ipv4/ip_local_port_range'): PortRange | undefined {
  try {
    const [low, high] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && Number.isInteger(high) ? { low: low!, high: high! } : undefined;
  } catch {
    return undefined;
  }
}

export function inRange(port: number, range: PortRange | undefined): boolean {
  return range !== undefined && port >= range.low && port <= range.high;
}
