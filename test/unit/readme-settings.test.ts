import fs from 'node:fs';
import path from 'node:path';
import { loadPipelineConfig, PIPELINE_ENV_VARIABLES, PipelineEnvSchema, type PipelineConfig } from '../../src/config/pipeline-config';

/**
 * README's configuration tables against the settings the pipeline declares (PipelineEnvSchema): every
 * variable documented, nothing documented that does not exist, and every stated default the one the
 * pipeline applies (the README's default, set as a value, parses to what leaving it unset gives).
 */
const README = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const SERVERS = ['TEMPORAL', 'KAFKA', 'CASSANDRA'];
/** Defaults the pipeline derives at load time rather than in the schema. */
const DERIVED: Record<string, (config: PipelineConfig) => unknown> = { BATCH_MIN_RECORDS: (config) => config.batch.minRecords };

function configurationRows(): { variables: string[]; defaults: string[] | undefined }[] {
  const start = README.indexOf('### Configuration');
  const end = README.indexOf('**Security.**', start);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return README.slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
      const variables = [...cells[0]!.matchAll(/`([A-Z<][A-Z0-9_<>]*)`/g)].flatMap((m) => (m[1]!.startsWith('<S>') ? SERVERS.map((s) => m[1]!.replace('<S>', s)) : [m[1]!]));
      return { variables, defaults: cells.length >= 3 ? cells[1]!.split(' / ').map((d) => d.trim()) : undefined };
    });
}

describe("README's configuration tables", () => {
  const rows = configurationRows();
  const documented = rows.flatMap((r) => r.variables);

  it('document every variable the pipeline reads, and none it does not', () => {
    expect([...new Set(documented)].sort()).toEqual([...PIPELINE_ENV_VARIABLES].sort());
  });

  it('state the defaults the pipeline applies', () => {
    const checked: string[] = [];
    for (const { variables, defaults } of rows) {
      if (!defaults || defaults.length !== variables.length) continue;
      variables.forEach((name, i) => {
        const stated = /^`([^`]*)`$/.exec(defaults[i]!)?.[1];
        if (stated === undefined || stated.includes('<')) return; // "unset: …" and derived defaults are prose
        const schema = PipelineEnvSchema.shape[name as keyof typeof PipelineEnvSchema.shape];
        const unset = DERIVED[name]?.(loadPipelineConfig({})) ?? schema.parse(undefined);
        expect({ name, value: schema.parse(stated) }).toEqual({ name, value: unset });
        checked.push(name);
      });
    }
    expect(checked.length).toBeGreaterThan(30);
  });

  it('the check catches a wrong default', () => {
    const schema = PipelineEnvSchema.shape.BATCH_MAX_RECORDS;
    expect(schema.parse('20001')).not.toEqual(schema.parse(undefined));
  });
});
