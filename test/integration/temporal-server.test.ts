import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createEchoActivities } from '../fixtures/echo-activities';
import { stackAddresses, uniqueName } from '../support/stack-addresses';

describe('Temporal dev server of the local stack', () => {
  it('runs a workflow and its activities on a real worker', async () => {
    const { temporal } = stackAddresses();
    const taskQueue = uniqueName('echo');
    const workerConnection = await NativeConnection.connect({ address: temporal });
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/echo-workflow'),
      activities: createEchoActivities('!'),
    });
    const connection = await Connection.connect({ address: temporal });
    const client = new Client({ connection });
    try {
      const result = await worker.runUntil(
        client.workflow.execute('echoWorkflow', { taskQueue, workflowId: uniqueName('echo-wf'), args: [['kafka', 'cassandra']] }),
      );
      expect(result).toBe('!KAFKA !CASSANDRA');
    } finally {
      await connection.close();
      await workerConnection.close();
    }
  });
});
