import type { PipelineConfig } from '../config/pipeline-config';
import { isRetriedCall, serverAwayIn, type LineSource } from './library-lines';
import { ServerWatch } from './server-watch';
import { OutageLog, outageReason, type ServerRef } from './wait-for-server';

/**
 * The outages of one process's servers, one watch each, shared by everything in the process that
 * notices a server away: its own waits and the libraries' log lines. A library line about a server
 * that is away is taken here (printed too at LOG_LEVEL=debug, by the caller); any other line is not.
 */
export class ProcessOutages {
  private readonly watches: Record<ServerRef['name'], ServerWatch>;
  private readonly addresses: Record<ServerRef['name'], string[]>;

  /** `printAll` (LOG_LEVEL=debug): a taken line is printed as well; nothing a library says is lost. */
  constructor(config: PipelineConfig, log: (line: string) => void, private readonly printAll = false) {
    this.addresses = { Temporal: [config.temporal.address], Kafka: config.kafka.brokers, Cassandra: config.cassandra.contactPoints };
    const watch = (name: ServerRef['name']) => new ServerWatch(new OutageLog({ name, address: this.addresses[name].join(',') }, log), this.addresses[name]);
    this.watches = { Temporal: watch('Temporal'), Kafka: watch('Kafka'), Cassandra: watch('Cassandra') };
  }

  /** The one outage log of a server in this process. */
  outageLog(name: ServerRef['name']): OutageLog {
    return this.watches[name].outage;
  }

  /** True when the line reports a server away, which its watch now tells in its own lines. */
  take(source: LineSource, text: string): boolean {
    if (isRetriedCall(source, text)) return !this.printAll;
    const name = serverAwayIn(source, text, this.addresses);
    if (!name) return false;
    // The reason as the server's own line words it: without the library's prefix or the activity's name.
    this.watches[name].failed(outageReason(new Error(text.replace(/^\[kafka\] /, '').replace(/^\w+ failing: /, ''))));
    return !this.printAll;
  }
}
