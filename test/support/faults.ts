import type { IsolatedPipeline } from './isolated-pipeline';
import { parseBatchWorkflowId } from '../../src/sink/batch-id';
import { waitFor } from './isolated-pipeline';

/** Waits until a workflow of the type is running on the queue and returns its id. */
export async function runningWorkflow(pipeline: IsolatedPipeline, type: 'ingestSlot' | 'writeBatch', timeoutMs = 30_000): Promise<string> {
  const queue = type === 'ingestSlot' ? pipeline.config.temporal.ingestTaskQueue : pipeline.config.temporal.sinkTaskQueue;
  return waitFor(`a running ${type} workflow`, async () => {
    for await (const execution of pipeline.temporal.workflow.list({ query: `WorkflowType = '${type}' AND TaskQueue = '${queue}' AND ExecutionStatus = 'Running'` })) {
      return execution.workflowId;
    }
    return undefined;
  }, timeoutMs, 50);
}

/** Stops the schedule, then waits for every slot it started to finish and the consumer to commit all of it. */
export async function settle(pipeline: IsolatedPipeline, timeoutMs = 180_000): Promise<number> {
  await pipeline.schedule().pause('stopped by the test');
  const taken = (await pipeline.schedule().describe()).info.numActionsTaken;
  await pipeline.waitForSlots(taken, timeoutMs);
  const running = `WorkflowType = 'ingestSlot' AND TaskQueue = '${pipeline.config.temporal.ingestTaskQueue}' AND ExecutionStatus = 'Running'`;
  await waitFor('every slot workflow to close', async () => (await pipeline.temporal.workflow.count(running)).count === 0, timeoutMs, 500);
  await pipeline.waitForDrain(timeoutMs);
  return taken;
}

/** Attempts of every activity in a workflow's history beyond the first, with the failure that caused each. */
export async function retriedActivities(pipeline: IsolatedPipeline, workflowId: string): Promise<{ attempt: number; lastFailure: string }[]> {
  const history = await pipeline.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const started = event.activityTaskStartedEventAttributes;
    return started && (started.attempt ?? 1) > 1 ? [{ attempt: started.attempt!, lastFailure: started.lastFailure?.message ?? '' }] : [];
  });
}

/** Batch workflows that wrote their rows from a re-read of Kafka (their holder was gone or slow). */
export async function rereadBatches(pipeline: IsolatedPipeline): Promise<string[]> {
  const reread: string[] = [];
  const query = `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}'`;
  for await (const execution of pipeline.temporal.workflow.list({ query })) {
    const history = await pipeline.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    if ((history.events ?? []).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'writeRowsFromKafka')) reread.push(execution.workflowId);
  }
  return reread;
}

/** Offsets that more than one completed batch workflow covered (re-written by another batch), over all partitions. */
export async function offsetsWrittenTwice(pipeline: IsolatedPipeline): Promise<number> {
  const ranges = new Map<number, [bigint, bigint][]>();
  const query = `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}' AND ExecutionStatus = 'Completed'`;
  for await (const execution of pipeline.temporal.workflow.list({ query })) {
    const at = parseBatchWorkflowId(execution.workflowId);
    if (at) ranges.set(at.partition, [...(ranges.get(at.partition) ?? []), [BigInt(at.firstOffset), BigInt(at.lastOffset)]]);
  }
  let twice = 0n;
  for (const list of ranges.values()) {
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let reached = -1n;
    for (const [first, last] of list) {
      if (first <= reached) twice += (last < reached ? last : reached) - first + 1n;
      if (last > reached) reached = last;
    }
  }
  return Number(twice);
}
