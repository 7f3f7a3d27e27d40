import type { Client as TemporalClient } from '@temporalio/client';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { applySchema } from '../cassandra/apply-schema';
import type { PipelineConfig } from '../config/pipeline-config';
import { ensureTopics } from '../kafka/ensure-topics';
import { auditScheduleId, ensureAuditSchedule } from '../audit/audit-schedule';
import { ensureSchedule, slotScheduleSettings } from '../schedule/ensure-schedule';

/** Idempotent start-up: schema, topics and the slot schedule, each created or brought up to date. */
export async function preparePipeline(deps: { config: PipelineConfig; kafka: Kafka; cassandra: CassandraClient; temporal: TemporalClient; log: (line: string) => void; createPaused?: string }): Promise<void> {
  const { config, log } = deps;
  const files = await applySchema(deps.cassandra, config.cassandra);
  log(`schema: ${files.join(', ')} applied to ${config.cassandra.keyspace}.${config.cassandra.table}`);

  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, config.kafka);
    log(`topics: ${config.kafka.topic}, ${config.kafka.dlqTopic}${created.length > 0 ? ` (created ${created.join(', ')})` : ' (present)'}`);
  } finally {
    await admin.disconnect();
  }

  const outcome = await ensureSchedule(deps.temporal, { ...slotScheduleSettings(config), ...(deps.createPaused ? { createPaused: deps.createPaused } : {}) });
  const description = await deps.temporal.schedule.getHandle(config.schedule.id).describe();
  const paused = description.state.paused ? ` — PAUSED${description.state.note ? ` (${description.state.note})` : ''}; unpause with: temporal schedule toggle --schedule-id ${config.schedule.id} --unpause --reason ...` : '';
  log(`schedule ${config.schedule.id}: every ${config.schedule.intervalMs / 1000} s, ${config.schedule.usersPerSlot} user(s) per slot (${outcome})${paused}`);
  const audit = await ensureAuditSchedule(deps.temporal, config);
  if (audit !== 'off') log(`audit schedule ${auditScheduleId(config)}: ${audit === 'deleted' ? 'deleted (AUDIT_INTERVAL=0)' : `every ${config.audit.intervalMs / 1000} s over the slots that settled (${audit})`}`);
}
