import { loadPipelineConfig, usesExternalServers } from './config/pipeline-config';
import { startSourceServer } from './dev/fake-source/server';
import { localStackEnv } from './dev/stack/local-env';
import { loadStackSettings } from './dev/stack/settings';
import { stackServices, stackUp } from './dev/stack/stack';
import { catchUpOnStart, pauseOnStop, type CatchUpNotes } from './downtime/catch-up-on-start';
import { showStatusLine } from './metrics/status-line';
import { preparePipeline } from './pipeline/prepare';
import { createSourceClient } from './source/client';
import { startIngestWorker } from './workers/ingest';
import { runProcess } from './workers/run-process';
import { startSinkWorker } from './workers/sink';
import { uncommittedLine } from './workers/stop-signals';

/**
 * `npm start`: the whole pipeline in one process on the embedded local default (the local stack and the
 * project's source server), or against the servers TEMPORAL_ADDRESS, KAFKA_BROKERS and
 * CASSANDRA_CONTACT_POINTS name. What it adds to a worker process: the local stack, both workers, the
 * status line, and the schedule paused on stop and caught up on start.
 */
const external = () => usesExternalServers();
let sourceUrl = '';

runProcess({
  name: 'pipeline',
  needs: { cassandra: true },
  metrics: true,
  config: () => loadPipelineConfig(external() ? process.env : { ...localStackEnv(loadStackSettings()), ...process.env }),
  beforeClients: async ({ config, log }) => {
    if (external()) {
      log(`servers: Temporal ${config.temporal.address}, Kafka ${config.kafka.brokers.join(',')}, Cassandra ${config.cassandra.contactPoints.join(',')} (no local stack)`);
    } else {
      const settings = loadStackSettings();
      await stackUp(settings, (message) => log(`[stack] ${message}`));
      for (const service of stackServices(settings)) for (const line of service.addresses(settings)) log(`${service.name.padEnd(10)} ${line}`);
    }
    if (config.source.url) {
      sourceUrl = config.source.url;
      log(`source: ${sourceUrl} (SOURCE_URL)`);
      return;
    }
    const server = await startSourceServer({ host: '127.0.0.1', port: config.source.localServerPort });
    sourceUrl = server.url;
    log(`source: the project's randomuser-compatible server at ${sourceUrl} (set SOURCE_URL=https://randomuser.me/api/ for the public API)`);
    return server.close;
  },
  start: async ({ config, counters, clients, log, stopping, metricsUrl }) => {
    const { kafka, whenKafkaUp } = clients;
    const cassandra = clients.cassandra!;
    const temporal = clients.temporal.client;
    await preparePipeline({ config, kafka, cassandra, temporal, log });
    const source = createSourceClient({ ...config.source, url: sourceUrl });
    // Side by side: neither waits for the other (workflow bundles, producer, consumer group).
    const [ingest, sink] = await Promise.all([
      startIngestWorker({ config, temporal: clients.temporal, kafka, source, counters, whenKafkaUp }),
      startSinkWorker({ config, temporal: clients.temporal, kafka, cassandra, counters, whenKafkaUp, kafkaOutage: clients.kafkaOutage }),
    ]);
    if (metricsUrl) log(`metrics: ${metricsUrl} (Prometheus; the Temporal SDK's runtime metrics included)`);
    log(`workers: ingest on task queue ${config.temporal.ingestTaskQueue}, sink (group ${config.kafka.consumerGroup}) on ${config.temporal.sinkTaskQueue}; Ctrl-C to stop`);

    const notes: CatchUpNotes = {};
    const stopStatus = showStatusLine(counters, notes, config.log.format);
    void catchUpOnStart({ temporal, config, notes, log, stopping }).catch((error: unknown) => {
      if (!stopping.aborted) log(`catch-up failed: ${(error as Error).message.split('\n')[0]} (pipeline schedule backfill runs missed slots)`);
    });
    const graceMs = config.shutdown.graceMs;
    return {
      done: Promise.race([ingest.done, sink.done]),
      async stop(signal, abandon) {
        stopStatus();
        const paused = await pauseOnStop(temporal, config.schedule.id, abandon);
        log(`\n${signal}: schedule ${config.schedule.id} ${paused}; taking no new batches, waiting up to ${graceMs / 1000} s for those in flight (again to exit now)…`);
        await sink.stop(abandon);
        await ingest.stop(abandon);
        if (sink.uncommitted) log(`sink: ${uncommittedLine(sink.uncommitted(), graceMs)}`);
        log(external() ? 'stopped' : 'stopped; the local stack keeps running (npm run stack -- down to stop it)');
      },
    };
  },
});
