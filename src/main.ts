import type { Client } from '@temporalio/client';
import { loadPipelineConfig, usesExternalServers } from './config/pipeline-config';
import { ConfigError } from './config/parse-env';
import { loadDotEnv } from './config/dot-env';
import { installRuntimeWithMetrics } from './metrics/install-runtime';
import { PipelineCounters } from './metrics/pipeline-counters';
import { openPipelineClients, pipelineServers } from './pipeline/clients';
import { preparePipeline } from './pipeline/prepare';
import { describeStartupError } from './pipeline/startup-error';
import { waitForServer } from './servers/wait-for-server';
import { isTemporalUnavailable } from './temporal/unavailable';
import { slotScheduleSettings } from './schedule/ensure-schedule';
import { pauseOwnSchedule, resumeOwnSchedule } from './downtime/own-schedule';
import { runSlots } from './schedule/run-slots';
import { createSourceClient } from './source/client';
import { startSourceServer } from './dev/fake-source/server';
import { loadStackSettings } from './dev/stack/settings';
import { localStackEnv } from './dev/stack/local-env';
import { stackServices, stackUp } from './dev/stack/stack';
import { startIngestWorker } from './workers/ingest';
import type { RunningWorker } from './workers/run-worker';
import { untilAborted } from './workers/run-worker';
import { startSinkWorker } from './workers/sink';
import { handleStopSignals, uncommittedLine } from './workers/stop-signals';

const log = (line: string) => console.log(line);

/**
 * `npm start`: the whole pipeline in one process on the embedded local default, or against the
 * servers named by TEMPORAL_ADDRESS, KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const external = usesExternalServers();
  const config = loadPipelineConfig(external ? process.env : { ...localStackEnv(loadStackSettings()), ...process.env });
  const graceMs = config.shutdown.graceMs;
  // Set once each part runs; a stop signal before that (a server still down) finds them unset.
  const running: { ingest?: RunningWorker; sink?: RunningWorker; temporal?: Client; close?: () => Promise<void> } = {};
  let stopStatus = () => {};
  const stopping = handleStopSignals({
    graceMs,
    log,
    stop: async (signal, abandon) => {
      stopStatus();
      const { temporal, ingest, sink } = running;
      if (temporal) {
        // Paused first, so no slot fires while no worker runs; the next start resumes it and runs what it missed.
        const pausing = pauseOwnSchedule(temporal, config.schedule.id).catch((error: unknown) => `not paused: ${(error as Error).message.split('\n')[0]}`);
        const paused = await Promise.race([pausing, untilAborted(abandon).then(() => 'not paused: Temporal did not answer within SHUTDOWN_GRACE')]);
        log(`\n${signal}: schedule ${config.schedule.id} ${paused === 'paused' ? 'paused until the next npm start' : paused === 'already-paused' ? 'left paused (an operator paused it)' : paused}; taking no new batches, waiting up to ${graceMs / 1000} s for those in flight (again to exit now)…`);
      } else {
        log(`\n${signal}: stopped before the pipeline started`);
      }
      await sink?.stop(abandon);
      await ingest?.stop(abandon);
      if (sink?.uncommitted) log(`sink: ${uncommittedLine(sink.uncommitted(), graceMs)}`);
      await Promise.race([running.close?.(), untilAborted(abandon)]);
      log('stopped; the local stack keeps running (npm run stack -- down to stop it)');
    },
  });
  const counters = new PipelineCounters();
  const metrics = await installRuntimeWithMetrics(config, counters);

  if (external) {
    log(`servers: Temporal ${config.temporal.address}, Kafka ${config.kafka.brokers.join(',')}, Cassandra ${config.cassandra.contactPoints.join(',')} (no local stack)`);
  } else {
    const settings = loadStackSettings();
    await stackUp(settings, (message) => log(`[stack] ${message}`));
    for (const service of stackServices(settings)) for (const line of service.addresses(settings)) log(`${service.name.padEnd(10)} ${line}`);
  }

  let sourceUrl: string;
  let closeSource = async () => {};
  running.close = () => closeSource();
  if (config.source.url) {
    sourceUrl = config.source.url;
    log(`source: ${sourceUrl} (SOURCE_URL)`);
  } else {
    const server = await startSourceServer({ host: '127.0.0.1', port: config.source.localServerPort });
    sourceUrl = server.url;
    closeSource = server.close;
    log(`source: the project's randomuser-compatible server at ${sourceUrl} (set SOURCE_URL=https://randomuser.me/api/ for the public API)`);
  }

  // The process's clients, built once: one Temporal connection for both workers and the client.
  const clients = await openPipelineClients(config, { cassandra: true }, { log, signal: stopping });
  const { kafka, whenKafkaUp } = clients;
  const cassandra = clients.cassandra!;
  const temporal = clients.temporal.client;
  running.close = async () => {
    await clients.close();
    await closeSource();
    await metrics.close();
  };
  await preparePipeline({ config, kafka, cassandra, temporal, log });

  const source = createSourceClient({ baseUrl: sourceUrl, timeoutMs: config.source.timeoutMs, maxResponseBytes: config.source.maxResponseBytes });
  const ingest = (running.ingest = await startIngestWorker({ config, temporal: clients.temporal, kafka, source, counters, whenKafkaUp }));
  const sink = (running.sink = await startSinkWorker({ config, temporal: clients.temporal, kafka, cassandra, counters, whenKafkaUp }));
  running.temporal = temporal;
  if (metrics.metricsUrl) log(`metrics: ${metrics.metricsUrl} (Prometheus; the Temporal SDK's runtime metrics included)`);
  log(`workers: ingest on task queue ${config.temporal.ingestTaskQueue}, sink (group ${config.kafka.consumerGroup}) on ${config.temporal.sinkTaskQueue}; Ctrl-C to stop`);

  const notes: StatusNotes = {};
  stopStatus = showStatus(counters, notes);
  // Each request of the catch-up is retried while Temporal is away, until it succeeds or npm start stops.
  const whileTemporalDown = <T>(request: () => Promise<T>) =>
    waitForServer(pipelineServers(config).temporal, async () => {
      try {
        const value = await request();
        if (notes.catchUp === CATCH_UP_WAITING) notes.catchUp = undefined;
        return value;
      } catch (error) {
        if (isTemporalUnavailable(error)) notes.catchUp = CATCH_UP_WAITING;
        throw error;
      }
    }, { log, signal: stopping, isBadSetting: (error) => !isTemporalUnavailable(error) });
  void catchUp(temporal, config, notes, whileTemporalDown).catch((error: unknown) => {
    if (!stopping.aborted) log(`catch-up failed: ${(error as Error).message.split('\n')[0]} (pipeline schedule backfill runs missed slots)`);
  });
  await Promise.race([ingest.done, sink.done]);
  if (!stopping.aborted) throw new Error('a worker stopped unexpectedly');
  await new Promise(() => undefined); // the stop handler exits
}

const CATCH_UP_WAITING = 'catch-up waiting for Temporal';

interface StatusNotes {
  catchUp?: string;
  skipped?: string;
}

/**
 * Resumes a schedule this command paused when it last stopped, and runs the slots missed meanwhile
 * through the direct backfill path; an operator's pause stays.
 */
async function catchUp(
  temporal: Client,
  config: ReturnType<typeof loadPipelineConfig>,
  notes: StatusNotes,
  call: <T>(request: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const { catchUpMaxGapMs } = config.schedule;
  const settings = slotScheduleSettings(config);
  const id = settings.scheduleId;
  const outcome = await resumeOwnSchedule(temporal, { ...settings, maxGapMs: catchUpMaxGapMs }, undefined, call);
  if (outcome.kind === 'running') return;
  if (outcome.kind === 'operator-paused') {
    log(`schedule ${id} is paused by an operator (${outcome.note || 'no note'}): left paused; npx pipeline schedule unpause resumes it`);
    return;
  }
  const gap = `${outcome.pausedAt.toISOString()} to now`;
  if (outcome.skipped) {
    notes.skipped = `skipped ${outcome.skipped.count} slots older than CATCH_UP_MAX_GAP`;
    log(`catch-up: ${outcome.skipped.count} slots from ${outcome.skipped.from.toISOString()} to ${outcome.skipped.to.toISOString()} are older than CATCH_UP_MAX_GAP (${catchUpMaxGapMs / 1000} s) and were skipped; npx pipeline schedule backfill --from ${outcome.skipped.from.toISOString()} --to ${outcome.skipped.to.toISOString()} runs them`);
  }
  log(`schedule ${id} resumed; running the ${outcome.slots.length} slot(s) missed while stopped (${gap}${outcome.unfinished ? `, and ${outcome.unfinished} that fired before the stop and did not finish` : ''})`);
  if (outcome.slots.length === 0) return;
  notes.catchUp = `catch-up 0/${outcome.slots.length}`;
  // A slot already started is joined and one that completed is left alone, so running them all again is safe.
  const result = await call(() => runSlots(temporal, {
    ...settings,
    slots: outcome.slots,
    rerun: 'failed-only',
    onProgress: ({ done, total }) => (notes.catchUp = `catch-up ${done}/${total}`),
  }));
  notes.catchUp = undefined;
  log(`catch-up done: ${result.completed}/${outcome.slots.length} missed slots completed${result.failed ? `, ${result.failed} failed (see the Web UI)` : ''}`);
}

/** A status line refreshed every second on a terminal, or a line every 10 s in a log. */
function showStatus(counters: PipelineCounters, notes: StatusNotes): () => void {
  const interactive = process.stdout.isTTY === true;
  const render = () =>
    [
      `slots ${counters.slotsRun} · fetched ${counters.usersFetched} · published ${counters.usersPublished} · written ${counters.rowsWritten} (${counters.batchesWritten} batches) · DLQ ${counters.deadLettered} · rejected ${counters.sourceRejected} · lag ${counters.consumerLag ?? '?'}`,
      ...(notes.catchUp ? [notes.catchUp] : []),
      ...(notes.skipped ? [notes.skipped] : []),
    ].join(' · ');
  const timer = setInterval(() => {
    if (interactive) process.stdout.write(`\r\x1b[2K${render()}`);
    else console.log(render());
  }, interactive ? 1000 : 10_000);
  return () => clearInterval(timer);
}

main().catch((error: unknown) => {
  if (error instanceof Error && error.message.startsWith('stopped by SIG')) return; // the stop handler exits
  if (error instanceof ConfigError) console.error(`error: ${error.message}`);
  else console.error(`error: ${describeStartupError(error)}`);
  process.exit(1);
});
