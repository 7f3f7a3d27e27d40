import { Context } from '@temporalio/activity';

/** How often a running activity tells Temporal it is alive; the workflows time out after 5 s of silence. */
const HEARTBEAT_EVERY_MS = 1000;

type ActivityFunction = (...args: never[]) => Promise<unknown>;

/**
 * Wraps each activity so it heartbeats while it runs. A worker killed mid-activity then costs its
 * attempt only the heartbeat timeout (seconds) before Temporal retries it elsewhere, not the whole
 * start-to-close timeout.
 */
export function withHeartbeats<A extends { [K in keyof A]: ActivityFunction }>(activities: A): A {
  const wrapped: Record<string, ActivityFunction> = {};
  for (const [name, activity] of Object.entries(activities as Record<string, ActivityFunction>)) {
    wrapped[name] = async (...args: never[]) => {
      const context = Context.current();
      const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await activity(...args);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as A;
}
