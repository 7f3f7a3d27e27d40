import { GC_KINDS, type GcTotals } from './gc-pauses';
import type { Histogram, PipelineCounters } from './pipeline-counters';

function histogramLines(name: string, help: string, h: Histogram): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  h.bounds.forEach((bound, i) => lines.push(`${name}_bucket{le="${bound}"} ${h.counts[i]}`));
  lines.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`);
  return lines;
}

function gaugeLines(name: string, help: string, value: number): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`];
}

/** Where the process's memory is: the resident set, and the parts of it Node accounts for. */
export function memoryLines(memory: NodeJS.MemoryUsage): string[] {
  return [
    ...gaugeLines('process_resident_memory_bytes', 'Resident memory of the process.', memory.rss),
    ...gaugeLines('nodejs_heap_size_total_bytes', 'V8 heap reserved.', memory.heapTotal),
    ...gaugeLines('nodejs_heap_size_used_bytes', 'V8 heap in use.', memory.heapUsed),
    ...gaugeLines('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects, Buffers included.', memory.external),
    ...gaugeLines('nodejs_array_buffers_bytes', 'Memory of ArrayBuffers and Buffers.', memory.arrayBuffers),
  ];
}

/** The garbage collector's pauses of the JavaScript thread, by kind (see gc-pauses.ts). */
export function gcLines(gc: GcTotals): string[] {
  return [
    '# HELP nodejs_gc_pause_seconds_total Time the JavaScript thread was paused by the garbage collector, by kind of collection.',
    '# TYPE nodejs_gc_pause_seconds_total counter',
    ...GC_KINDS.map((kind) => `nodejs_gc_pause_seconds_total{kind="${kind}"} ${gc.seconds[kind]}`),
    '# HELP nodejs_gc_pauses_total Garbage collector pauses of the JavaScript thread, by kind of collection.',
    '# TYPE nodejs_gc_pauses_total counter',
    ...GC_KINDS.map((kind) => `nodejs_gc_pauses_total{kind="${kind}"} ${gc.count[kind]}`),
  ];
}

function counterLines(name: string, help: string, value: number): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];
}

/** Pure: the pipeline's metrics in the Prometheus text exposition format. */
export function renderPrometheus(c: PipelineCounters, labels: { topic: string }, memory?: NodeJS.MemoryUsage, gc?: GcTotals): string {
  const lines = [
    ...(memory ? memoryLines(memory) : []),
    ...(gc ? gcLines(gc) : []),
    ...counterLines('pipeline_slots_total', 'Schedule slots whose users were all published.', c.slotsRun),
    ...counterLines('pipeline_users_fetched_total', 'Users fetched from the source.', c.usersFetched),
    ...counterLines('pipeline_users_published_total', 'Users published to Kafka.', c.usersPublished),
    ...counterLines('pipeline_rows_written_total', 'Rows written to Cassandra by batches this process consumed.', c.rowsWritten),
    ...counterLines('pipeline_versions_superseded_total', 'Older versions of a key not written because the same batch held a newer one.', c.versionsSuperseded),
    ...counterLines('pipeline_batches_written_total', 'Batches written to Cassandra.', c.batchesWritten),
    ...counterLines('pipeline_batches_reread_total', 'Batches written from a re-read of Kafka (their holder was gone or did not start the write within 10 s).', c.batchesReread),
    ...counterLines('pipeline_dead_letters_total', 'Messages sent to the dead-letter topic.', c.deadLettered),
    ...counterLines('pipeline_source_rejected_total', 'Source users that could not become records, quarantined on the dead-letter topic.', c.sourceRejected),
    ...counterLines('pipeline_sink_consumer_restarts_total', "Restarts of the sink's Kafka consumers after a crash.", c.sinkConsumerRestarts),
    ...histogramLines('pipeline_batch_size_records', 'Records per batch written by writeRows.', c.batchSize),
    ...(c.batchTarget === undefined ? [] : gaugeLines('pipeline_batch_target_records', 'The largest batch the sink cuts now: grows with the consumer lag, shrinks as it catches up.', c.batchTarget)),
    ...histogramLines('pipeline_batch_write_seconds', 'Time writeRows took to upsert one batch.', c.batchWriteSeconds),
    ...(c.auditMismatchedSlots === undefined
      ? []
      : ['# HELP pipeline_audit_mismatched_slots Slots that did not reconcile in the last audit this process ran.', '# TYPE pipeline_audit_mismatched_slots gauge', `pipeline_audit_mismatched_slots ${c.auditMismatchedSlots}`]),
    ...(c.sourceGateClosed === undefined
      ? []
      : ['# HELP pipeline_source_gate_closed 1 while the source health gate holds the schedule paused.', '# TYPE pipeline_source_gate_closed gauge', `pipeline_source_gate_closed ${c.sourceGateClosed ? 1 : 0}`]),
    '# HELP pipeline_consumer_lag_messages Messages not yet committed by the consumer group, per partition.',
    '# TYPE pipeline_consumer_lag_messages gauge',
    ...[...c.lagByPartition].sort(([a], [b]) => a - b).map(([p, lag]) => `pipeline_consumer_lag_messages{topic="${labels.topic}",partition="${p}"} ${lag}`),
  ];
  return `${lines.join('\n')}\n`;
}
