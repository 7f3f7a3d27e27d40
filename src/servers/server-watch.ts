import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutageLog, outageReason, type ServerRef } from './wait-for-server';

/** How often a watch asks a server that a library saw fail whether it answers again. */
const PROBE_EVERY_MS = 2000;
/**
 * Once a server is back, the libraries' failures of the next moments are their connections of before
 * the outage giving way (a producer's first send finds its old socket closed): not a new outage.
 */
const SETTLING_MS = 10_000;

/**
 * One voice for one server in a process, whichever library noticed it was away: the library's lines
 * come here instead of the log, the outage log says it once when it goes and once a minute, and a TCP
 * probe of the server's addresses says when it is back.
 */
export class ServerWatch {
  private probing = false;
  private backAt = -Infinity;

  constructor(
    readonly outage: OutageLog,
    private readonly addresses: string[],
    private readonly answers: (addresses: string[]) => Promise<void> = anyAnswers,
  ) {}

  get server(): ServerRef {
    return this.outage.server;
  }

  /** A library saw the server fail: said at most once a minute, probed until it answers. */
  failed(reason: string): void {
    if (!this.outage.isDown && Date.now() - this.backAt < SETTLING_MS) return;
    this.outage.down(reason);
    if (this.probing) return;
    this.probing = true;
    void this.probeUntilBack().finally(() => (this.probing = false));
  }

  private async probeUntilBack(): Promise<void> {
    for (;;) {
      await sleep(PROBE_EVERY_MS, undefined, { ref: false });
      try {
        await this.answers(this.addresses);
        this.outage.up();
        this.backAt = Date.now();
        return;
      } catch (error) {
        this.outage.down(outageReason(error));
      }
    }
  }
}

/** Resolves once one of the `host:port` addresses accepts a TCP connection. */
export async function anyAnswers(addresses: string[]): Promise<void> {
  await Promise.any(addresses.map((address) => tcpAnswers(address)));
}

function tcpAnswers(address: string): Promise<void> {
  const at = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)), timeout: 2000 });
    socket.unref();
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error(`${address} did not answer`), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}
