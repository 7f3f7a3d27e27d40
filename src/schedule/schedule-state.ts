import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleHandle, type ScheduleOptions } from '@temporalio/client';

/** The schedule's description, or undefined when there is no such schedule. */
export async function describeIfExists(handle: ScheduleHandle): Promise<ScheduleDescription | undefined> {
  try {
    return await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}

/** Creates the schedule; when another process created it first, returns that one's description to compare. */
export async function createOrDescribe(client: Client, handle: ScheduleHandle, options: ScheduleOptions): Promise<'created' | ScheduleDescription> {
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    return handle.describe();
  }
}
