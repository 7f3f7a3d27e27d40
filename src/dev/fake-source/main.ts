import { parseEnv, ConfigError } from '../../config/parse-env';
import { PipelineEnvSchema } from '../../config/pipeline-config';
import { exitWhenDrained } from '../../logging/exit-when-drained';
import { startSourceServer, type SourceServer } from './server';

/**
 * Runs the randomuser-compatible source on its own, for the local stack and for trying the
 * pipeline by hand: `npm run source-server`. Its two variables are the pipeline's own, parsed the same way.
 */
const SourceServerEnvSchema = PipelineEnvSchema.pick({ SOURCE_SERVER_PORT: true, SOURCE_SERVER_HOST: true });

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(SourceServerEnvSchema, process.env);
  } catch (error) {
    console.error(`error: ${error instanceof ConfigError ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  const { SOURCE_SERVER_HOST: host, SOURCE_SERVER_PORT: port } = env;

  let server: SourceServer;
  try {
    server = await startSourceServer({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    console.error(`could not listen on ${host}:${port}: ${code} (is another process using the port?)`);
    process.exitCode = 1;
    return;
  }
  console.log(`randomuser-compatible source listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, closing randomuser-compatible source`);
    server.close().then(
      () => exitWhenDrained(0),
      (error: unknown) => {
        console.error(`could not close the source server cleanly: ${error instanceof Error ? error.message : String(error)}`);
        exitWhenDrained(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
