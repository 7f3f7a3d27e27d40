import { ConfigError } from './config/parse-env';
import { loadStackSettings } from './stack/settings';
import { SERVICES, stackUp } from './stack/stack';

/** `npm start`: the embedded default. Brings the local stack up and prints where everything is. */
async function main(): Promise<void> {
  const settings = loadStackSettings();
  await stackUp(settings, (message) => console.log(`[stack] ${message}`));
  for (const service of SERVICES) for (const line of service.addresses(settings)) console.log(`${service.name.padEnd(10)} ${line}`);
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
