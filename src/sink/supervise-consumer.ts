import type { Consumer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, outageReason, type OutageLog } from '../servers/wait-for-server';

/** At most `restarts` restarts after crashes that are not Kafka being away, in any `windowMs`. */
export interface RestartLimit {
  restarts: number;
  windowMs: number;
}

export interface ConsumerSupervision {
  /** Rejects when the consumer crashed more often than the limit allows: the process should exit non-zero. */
  failed: Promise<never>;
  /** Stops watching: the consumer is being stopped on purpose. */
  stop(): void;
}

/** Errors kafkajs raises when the brokers are away, as opposed to a bug or a bad record. */
const KAFKA_AWAY = /KafkaJSConnection|KafkaJSNumberOfRetriesExceeded|KafkaJSBrokerNotFound|KafkaJSNoBrokerAvailable|KafkaJSRequestTimeout|KafkaJSGroupCoordinatorNotFound|KafkaJSConnectionClosed/;

/** The error kafkajs wrapped (a KafkaJSNonRetriableError around the handler's TypeError), as a line. */
function describeCrash(error: Error): string {
  let root = error as Error & { cause?: unknown };
  for (let depth = 0; root.cause instanceof Error && depth < 4; depth++) root = root.cause as typeof root;
  return `${root.name}: ${root.message.split('\n')[0]}`;
}

function isKafkaAway(error: unknown): boolean {
  for (let e = error as { name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (KAFKA_AWAY.test(e.name ?? '')) return true;
  }
  return false;
}

/**
 * Keeps a kafkajs consumer consuming. kafkajs restarts a consumer itself only after a retriable error;
 * after any other (a TypeError, a RangeError, `retriable: false`) it disconnects it and stops, and the
 * process would sit alive consuming nothing. Here such a consumer is restarted in place (`restart`:
 * connect and run again) with backoff, each restart logged and counted. Crashes while Kafka is away
 * are waited out (kafka outage lines); others count against `limit`, past which `failed` rejects.
 */
export function superviseConsumer(
  consumer: Consumer,
  options: {
    restart: () => Promise<void>;
    limit: RestartLimit;
    kafka: OutageLog;
    log: (line: string) => void;
    onRestart?: () => void;
  },
): ConsumerSupervision {
  let stopped = false;
  let fail!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // observed by the process through `failed`
  const crashes: number[] = [];
  let restarting = false;
  let consecutive = 0;

  const removeCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (stopped) return;
    const { error, restart } = payload as { error: Error; restart: boolean };
    if (isKafkaAway(error)) options.kafka.down(outageReason(error));
    if (restart) {
      // kafkajs restarts this one itself (a retriable error, usually Kafka being away).
      options.onRestart?.();
      return;
    }
    if (!isKafkaAway(error)) {
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! < now - options.limit.windowMs) crashes.shift();
      if (crashes.length > options.limit.restarts) {
        stopped = true;
        fail(new Error(`the sink's Kafka consumer crashed ${crashes.length} times within ${options.limit.windowMs / 1000} s (SINK_CONSUMER_RESTART_LIMIT ${options.limit.restarts}); last: ${describeCrash(error)}`));
        return;
      }
      options.log(`sink consumer crashed (${describeCrash(error)}); restarting it (${crashes.length} of ${options.limit.restarts} allowed in ${options.limit.windowMs / 1000} s)`);
    }
    if (!restarting) void restartWithBackoff();
  });
  const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
    consecutive = 0;
    options.kafka.up();
  });

  async function restartWithBackoff(): Promise<void> {
    restarting = true;
    try {
      while (!stopped) {
        consecutive += 1;
        await sleep(backoffDelay(consecutive));
        if (stopped) return;
        try {
          await options.restart();
          options.onRestart?.();
          return;
        } catch (error) {
          // Connecting failed (Kafka away): try again after a longer wait.
          options.kafka.down(outageReason(error));
        }
      }
    } finally {
      restarting = false;
    }
  }

  return {
    failed,
    stop() {
      stopped = true;
      removeCrash();
      removeJoin();
    },
  };
}
