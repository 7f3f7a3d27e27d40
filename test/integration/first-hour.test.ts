import { spawn } from 'node:child_process';
import path from 'node:path';
import { IsolatedPipeline } from '../support/isolated-pipeline';
import { runPipeline } from '../support/run-command';
import { WorkerProcess } from '../support/worker-process';
import { silentServer, unusedPort } from '../support/ports';

/** `pipeline …` against the given environment, with when each line arrived (ms after the start). */
function timedPipeline(args: string[], env: Record<string, string>): Promise<{ code: number; lines: { at: number; text: string }[] }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.resolve(__dirname, '..', '..', 'bin', 'pipeline.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: { at: number; text: string }[] = [];
    const collect = (chunk: Buffer) => {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push({ at: Date.now() - started, text });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => resolve({ code: code ?? -1, lines }));
  });
}

/** What a newcomer meets first: commands before the first start, servers that are down, npm start's own lines. */
describe('the first hour', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('pipeline dlq list before the first start names the missing topic and the command that creates it', async () => {
    const result = await runPipeline(['dlq', 'list'], pipeline.commandEnv());
    expect({ code: result.code, stderr: result.stderr.trim(), stdout: result.stdout }).toEqual({
      code: 1,
      stderr: `error: topic ${pipeline.config.kafka.dlqTopic} does not exist yet on ${pipeline.config.kafka.brokers.join(',')}: npm start (or npm run prepare:pipeline) creates the pipeline's topics`,
      stdout: '',
    });
  });

  it.each([
    ['Kafka', 'KAFKA_BROKERS', ['dlq', 'list'], 'refusing'],
    ['Temporal', 'TEMPORAL_ADDRESS', ['schedule', 'describe'], 'silent'],
    ['Cassandra', 'CASSANDRA_CONTACT_POINTS', ['trace', '0b7e7dee-87f7-4c5b-9a1e-3f1d2c4b5a69'], 'silent'],
  ])('a command waiting on %s that is down says so while it waits, then fails with one line', async (server, variable, args, how) => {
    const silent = how === 'silent' ? await silentServer() : undefined;
    const address = `127.0.0.1:${silent?.port ?? (await unusedPort())}`;
    try {
      const result = await timedPipeline(args, { ...pipeline.commandEnv(), [variable]: address });
      expect(result.code).toBe(1);
      const waiting = result.lines.find((l) => l.text.startsWith('waiting for'));
      expect(waiting?.text).toBe(`waiting for ${server} at ${address} (${variable})…`);
      const errors = result.lines.filter((l) => l.text.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(waiting!.at).toBeLessThan(errors[0]!.at);
      expect(result.lines.filter((l) => /^\s+at /.test(l.text))).toEqual([]);
    } finally {
      await silent?.close();
    }
  }, 120_000);

  it('npm start prints no SDK warning among its start-up lines', async () => {
    const run = await WorkerProcess.start('npm start', pipeline.workerEnv());
    try {
      const startup = [...run.lines];
      expect(startup.filter((l) => /warn|No workflows registered|deprecat/i.test(l))).toEqual([]);
      expect(startup.some((l) => l.includes('Ctrl-C to stop'))).toBe(true);
    } finally {
      expect(await run.stop(60_000, 'SIGINT')).toBe(0);
    }
  });
});
