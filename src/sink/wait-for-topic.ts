import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, formatDowntime } from '../servers/wait-for-server';

/** While the topic is still missing, one line this often. */
const REPORT_EVERY_MS = 60_000;

/**
 * Waits until the topic exists and every partition has a leader. A sink worker started before
 * `npm start` or `npm run prepare:pipeline` created the topic (the broker does not create topics on
 * its own) waits here, with one line and then one a minute, instead of exiting on kafkajs's
 * "This server does not host this topic-partition".
 */
export async function waitForTopic(admin: Admin, topic: string, log: (line: string) => void, now: () => number = Date.now): Promise<void> {
  const since = now();
  let lastLine: number | undefined;
  for (let failures = 1; ; failures++) {
    const missing = await whyNotReady(admin, topic);
    if (missing === undefined) {
      if (lastLine !== undefined) log(`topic ${topic} is ready (waited ${formatDowntime(now() - since)}); consuming`);
      return;
    }
    if (lastLine === undefined || now() - lastLine >= REPORT_EVERY_MS) {
      log(lastLine === undefined
        ? `waiting for topic ${topic}: ${missing} (npm start or npm run prepare:pipeline creates it)`
        : `waiting for topic ${topic} (for ${formatDowntime(now() - since)}): ${missing}`);
      lastLine = now();
    }
    await sleep(backoffDelay(failures));
  }
}

/** Why the topic cannot be consumed yet, or undefined when it can. */
async function whyNotReady(admin: Admin, topic: string): Promise<string | undefined> {
  if (!(await admin.listTopics()).includes(topic)) return 'it does not exist yet';
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const leaderless = (metadata?.partitions ?? []).filter((p) => p.leader < 0).length;
    if (!metadata || metadata.partitions.length === 0) return 'it has no partitions yet';
    return leaderless > 0 ? `${leaderless} of its partitions have no leader yet` : undefined;
  } catch (error) {
    return `its metadata is not ready (${(error as Error).message.split('\n')[0]})`;
  }
}
