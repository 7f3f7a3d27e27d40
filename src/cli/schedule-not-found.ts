import { ScheduleNotFoundError } from '@temporalio/client';
import { CommandError } from './usage';

/** Runs an action on schedule `id`; a schedule that does not exist is one line saying how to create it. */
export async function withSchedule<T>(id: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new CommandError(`schedule "${id}" does not exist (create it with: pipeline schedule create)`);
    throw error;
  }
}
