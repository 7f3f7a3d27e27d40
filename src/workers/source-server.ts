import { z } from 'zod';
import { startSourceServer, type SourceServer } from '../source/server';

/**
 * Runs the randomuser-compatible source on its own, for the local stack and for trying the
 * pipeline by hand: `tsx src/workers/source-server.ts`.
 */

const SourceServerEnvSchema = z.object({
  SOURCE_SERVER_PORT: z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(65535))
    .default(8088),
  SOURCE_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
});

const EXPECTED: Record<string, string> = {
  SOURCE_SERVER_PORT: 'is not a port number (expected an integer 1..65535)',
  SOURCE_SERVER_HOST: 'is not a host (expected a name or address such as 127.0.0.1)',
};

type SourceServerEnv = z.infer<typeof SourceServerEnvSchema>;

function parseSourceServerEnv(env: NodeJS.ProcessEnv): { ok: true; value: SourceServerEnv } | { ok: false; error: string } {
  // Empty counts as unset, so `SOURCE_SERVER_PORT= tsx ...` keeps the default.
  const input: Record<string, string> = {};
  for (const name of Object.keys(SourceServerEnvSchema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const parsed = SourceServerEnvSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const name = String(parsed.error.issues[0]?.path[0] ?? '?');
  return { ok: false, error: `${name}=${JSON.stringify(env[name] ?? '')} ${EXPECTED[name] ?? 'is invalid'}` };
}

async function main(): Promise<void> {
  const env = parseSourceServerEnv(process.env);
  if (!env.ok) {
    console.error(env.error);
    process.exit(1);
  }
  const { SOURCE_SERVER_HOST: host, SOURCE_SERVER_PORT: port } = env.value;

  let server: SourceServer;
  try {
    server = await startSourceServer({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    console.error(`could not listen on ${host}:${port}: ${code} (is another process using the port?)`);
    process.exit(1);
  }
  console.log(`randomuser-compatible source listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, closing randomuser-compatible source`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`could not close the source server cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
