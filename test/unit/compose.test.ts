import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadPipelineConfig, PIPELINE_ENV_VARIABLES } from '../../src/config/pipeline-config';

/**
 * docker-compose.yml, checked without a Docker engine (our CI machines have none): the compose-spec
 * schema, the services and their health checks and dependencies, the Kafka cluster's shape, the optional
 * three-node Cassandra ring (profile cassandra-cluster), and the workers' variables against the ones the
 * app validates. When a compose CLI is installed, it checks the file as well. The image: image.test.ts.
 */

import { ROOT, COMPOSE_FILE, COMPOSE_SCHEMA, Env, composeText, compose, services, SERVERS, KAFKA_BROKERS, CASSANDRA_PROFILE, CASSANDRA_NODES, WORKER_NEEDS, PIPELINE_SERVICES, WORKERS, REQUIRED_IN_COMPOSE, COMPOSE_OVERRIDES, environmentOf, dependenciesOf, interpolate, interpolatedEnvironment, unknownVariables, commandOf, healthcheckCommand, publishedPorts, sinkWorkerLaunch, sourceOf } from '../support/compose-file';

describe('docker-compose.yml', () => {
  it('is a valid compose file by the compose-spec JSON schema', () => {
    const { $schema: _metaSchema, ...schema } = JSON.parse(fs.readFileSync(COMPOSE_SCHEMA, 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check catches a broken file', () => {
    const { $schema: _metaSchema, ...schema } = JSON.parse(fs.readFileSync(COMPOSE_SCHEMA, 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ strict: false }).compile(schema);
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services['sink']!['depends_on'] = { temporal: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
  });

  it('has every server the pipeline needs, each with a health check, on a pinned image', () => {
    for (const name of SERVERS) {
      const service = services[name];
      expect({ name, present: service !== undefined }).toEqual({ name, present: true });
      expect({ name, healthcheck: healthcheckCommand(service!).length > 0 && service!.healthcheck?.disable !== true }).toEqual({ name, healthcheck: true });
    }
    for (const [name, service] of Object.entries(services)) {
      if (!service.image) continue;
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[^:]+:(?!latest$)[\w.-]+$/) });
    }
  });

  it('uses the images and ports the issue names: Temporal server + UI on 8233, Kafka UI on 8888, Cassandra 5', () => {
    expect(services['temporal']!.image).toMatch(/^temporalio\/server:/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    expect(publishedPorts(services['temporal-ui']!)).toContainEqual({ published: '8233', target: '8080' });
    expect(services['kafka-ui']!.image).toMatch(/^provectuslabs\/kafka-ui:/);
    expect(publishedPorts(services['kafka-ui']!)).toContainEqual({ published: '8888', target: '8080' });
    expect(services['cassandra']!.image).toBe('cassandra:5.0');
    for (const name of CASSANDRA_NODES) expect({ name, image: services[name]!.image }).toEqual({ name, image: services['cassandra']!.image });
    for (const name of KAFKA_BROKERS) expect(services[name]!.image).toBe('apache/kafka:4.1.1');
  });

  it("gives Temporal the project's dynamic config, with timers that fire on time (not a second late)", () => {
    const temporal = services['temporal']!;
    const env = temporal.environment as Record<string, string>;
    const mount = (temporal.volumes ?? []).map(String).find((v) => v.endsWith(`:${env['DYNAMIC_CONFIG_FILE_PATH']}:ro`));
    expect(mount).toBeDefined();
    const file = path.join(ROOT, mount!.split(':')[0]!);
    const dynamic = parse(fs.readFileSync(file, 'utf8')) as Record<string, { value: unknown }[]>;
    expect(dynamic['history.timerProcessorMaxTimeShift']).toEqual([{ value: '100ms' }]);
  });

  it('runs Kafka as three KRaft brokers of one cluster: replication 3, min.insync.replicas 2', () => {
    const envs = KAFKA_BROKERS.map((name) => environmentOf(services[name]!));
    expect(new Set(envs.map((env) => env['CLUSTER_ID'])).size).toBe(1);
    expect(envs[0]!['CLUSTER_ID']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(envs.map((env) => env['KAFKA_NODE_ID'])).toEqual(['1', '2', '3']);
    for (const [i, env] of envs.entries()) {
      const name = KAFKA_BROKERS[i]!;
      expect(env['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
      const voters = env['KAFKA_CONTROLLER_QUORUM_VOTERS']!.split(',');
      expect(voters).toEqual(KAFKA_BROKERS.map((broker, j) => `${j + 1}@${broker}:9093`));
      expect(env).toMatchObject({
        KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
      });
      // Containers reach each broker by service name; the host by its own published port.
      const advertised = env['KAFKA_ADVERTISED_LISTENERS']!;
      expect(advertised).toContain(`INTERNAL://${name}:19092`);
      const hostPort = /HOST:\/\/localhost:(\d+)/.exec(advertised)?.[1];
      expect(hostPort).toBeDefined();
      expect(env['KAFKA_LISTENERS']).toContain(`HOST://:${hostPort}`);
      expect(publishedPorts(services[name]!)).toContainEqual({ published: hostPort, target: hostPort });
      expect(services[name]!.hostname ?? name).toBe(name);
    }
    const hostPorts = KAFKA_BROKERS.map((name) => publishedPorts(services[name]!)[0]!.published);
    expect(new Set(hostPorts).size).toBe(3);
  });

  it('turns on password authentication in Cassandra and probes it with the credentials the workers use', () => {
    const cassandra = services['cassandra']!;
    const script = interpolate(commandOf(cassandra).join('\n'), {});
    expect(script).toContain("s/AllowAllAuthenticator/PasswordAuthenticator/' \"$conf\"");
    expect(script).toContain("grep -Eq '^[^#]*PasswordAuthenticator' \"$conf\"");
    expect(script).toMatch(/exec docker-entrypoint\.sh cassandra -f/);
    const probe = healthcheckCommand(cassandra);
    expect(probe).toMatch(/^CMD cqlsh -u (\S+) -p (\S+) -e describe keyspaces$/);
    const [, user, password] = /-u (\S+) -p (\S+)/.exec(probe)!;
    const env = interpolatedEnvironment(services['sink']!);
    expect({ user: env['CASSANDRA_USERNAME'], password: env['CASSANDRA_PASSWORD'] }).toEqual({ user, password });
    // Every node of the ring is set up and probed the same way.
    for (const name of CASSANDRA_NODES) {
      const node = services[name]!;
      expect({ name, entrypoint: node.entrypoint, command: node.command, probe: healthcheckCommand(node) }).toEqual({ name, entrypoint: cassandra.entrypoint, command: cassandra.command, probe });
    }
  });

  it("switches Cassandra's commit log to batch sync, so an acknowledged write survives a killed node, and refuses a file without the setting", () => {
    // The settings as the image's cassandra.yaml has them, commented alternatives included.
    const imageYaml = [
      'authenticator:',
      '  class_name : org.apache.cassandra.auth.AllowAllAuthenticator',
      '# commitlog_sync: batch',
      '# commitlog_sync_group_window: 1000ms',
      'commitlog_sync: periodic',
      'commitlog_sync_period: 10000ms',
      'concurrent_writes: 32',
    ].join('\n');
    const run = (yaml: string): { status: number | null; stderr: string; yaml: string } => {
      const conf = fs.mkdtempSync(path.join(os.tmpdir(), 'cassandra-conf-'));
      try {
        fs.writeFileSync(path.join(conf, 'cassandra.yaml'), `${yaml}\n`);
        const script = interpolate(commandOf(services['cassandra']!).join('\n'), {}).replace(/exec docker-entrypoint\.sh cassandra -f/, 'true');
        const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, CASSANDRA_CONF: conf } });
        return { status: result.status, stderr: result.stderr.trim(), yaml: fs.readFileSync(path.join(conf, 'cassandra.yaml'), 'utf8') };
      } finally {
        fs.rmSync(conf, { recursive: true, force: true });
      }
    };
    const switched = run(imageYaml);
    expect(switched.status).toBe(0);
    expect(switched.yaml.split('\n').filter((line) => /^[^#]*commitlog_sync/.test(line))).toEqual(['commitlog_sync: batch']);
    expect(switched.yaml).toContain('# commitlog_sync_group_window: 1000ms');
    expect(switched.yaml).toContain('org.apache.cassandra.auth.PasswordAuthenticator');
    const missing = run(imageYaml.replace('commitlog_sync: periodic', '# commitlog_sync: periodic'));
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 1, stderr: expect.stringMatching(/^no commit log sync setting to switch in .*cassandra\.yaml$/) });
  });

  it('gives every inline shell script valid syntax once compose has substituted it', () => {
    const scripted = Object.entries(services).filter(([, service]) => Array.isArray(service.entrypoint) && /^(\/bin\/)?(ba)?sh$/.test(service.entrypoint[0]!) && service.entrypoint[1] === '-c');
    expect(scripted.map(([name]) => name).sort()).toEqual(['cassandra', 'cassandra-2', 'cassandra-3', 'temporal-namespace', 'temporal-schema']);
    for (const [name, service] of scripted) {
      const shell = (service.entrypoint as string[])[0]!.replace(/^\/bin\//, '');
      const result = spawnSync(shell, ['-n', '-c', interpolate(commandOf(service).join('\n'), {})], { encoding: 'utf8' });
      expect({ name, status: result.status, stderr: result.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
  });

  it('starts the workers only when every server answers and pipeline-init has finished', () => {
    for (const name of WORKERS) expect({ name, needs: dependenciesOf(services[name]!) }).toEqual({ name, needs: WORKER_NEEDS });
    const init = services['pipeline-init']!;
    expect(init.restart).toBe('no');
    expect(dependenciesOf(init)).toMatchObject({ temporal: 'service_healthy', 'temporal-namespace': 'service_completed_successfully', cassandra: 'service_healthy', 'kafka-1': 'service_healthy', 'kafka-2': 'service_healthy', 'kafka-3': 'service_healthy' });
  });

  it('has consistent dependencies: healthy means a health check, completed means a one-shot job', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
        const target = services[dependency];
        expect({ name, dependency, exists: target !== undefined }).toEqual({ name, dependency, exists: true });
        if (condition === 'service_healthy') expect({ name, dependency, healthcheck: healthcheckCommand(target!) !== '' }).toEqual({ name, dependency, healthcheck: true });
        if (condition === 'service_completed_successfully') expect({ name, dependency, restart: target!.restart }).toEqual({ name, dependency, restart: 'no' });
      }
    }
  });

  it('builds pipeline-init and both workers from the Dockerfile and runs entry points that exist', () => {
    const built = Object.entries(services).filter(([, service]) => service.build !== undefined).map(([name]) => name);
    expect(built.sort()).toEqual([...PIPELINE_SERVICES].sort());
    const entryPoints: Record<string, string> = {};
    for (const name of PIPELINE_SERVICES) {
      const service = services[name]!;
      expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      const command = commandOf(service);
      expect(command[0]).toBe('node');
      const file = command.find((part) => part.startsWith('dist/'))!;
      expect(fs.existsSync(sourceOf(file))).toBe(true);
      entryPoints[name] = file;
    }
    expect(entryPoints).toEqual({ 'pipeline-init': 'dist/workers/prepare-job.js', ingest: 'dist/workers/ingest-worker.js', sink: 'dist/workers/sink-worker.js' });
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['prepare:pipeline']).toBe('node scripts/build.js --if-stale && node dist/workers/prepare-job.js');
  });

  it('starts the sink worker within the same memory budget as npm run worker:sink (Node flags, glibc malloc)', () => {
    const launch = sinkWorkerLaunch();
    expect(launch.flags).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
    expect(launch.flags).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
    expect(Object.keys(launch.env).sort()).toEqual(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_']);
    expect(commandOf(services['sink']!)).toEqual(['node', ...launch.flags, 'dist/workers/sink-worker.js']);
    const image = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    for (const [name, value] of Object.entries(launch.env)) expect(image).toContain(`ENV ${name}=${value}`);
    expect(image).toContain(`CMD ${JSON.stringify(['node', ...launch.flags, 'dist/workers/sink-worker.js']).replace(/,/g, ', ')}`);
  });

  it('lets the workers scale: no container name, no host port, no deploy section', () => {
    for (const name of WORKERS) {
      const service = services[name]!;
      expect({ name, container_name: service.container_name, ports: service.ports, deploy: service.deploy }).toEqual({ name, container_name: undefined, ports: undefined, deploy: undefined });
    }
  });

  it('keeps every server\'s data in a declared named volume', () => {
    const dataDirs: Record<string, string> = {
      postgres: '/var/lib/postgresql/data',
      'kafka-1': '/var/lib/kafka/data',
      'kafka-2': '/var/lib/kafka/data',
      'kafka-3': '/var/lib/kafka/data',
      cassandra: '/var/lib/cassandra',
      'cassandra-2': '/var/lib/cassandra',
      'cassandra-3': '/var/lib/cassandra',
    };
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    const used = new Set<string>();
    for (const [name, dataDir] of Object.entries(dataDirs)) {
      const mounts = (services[name]!.volumes ?? []).map((volume) => (typeof volume === 'string' ? { source: volume.split(':')[0]!, target: volume.split(':')[1]! } : { source: volume.source ?? '', target: volume.target }));
      const data = mounts.find((mount) => mount.target === dataDir);
      expect({ name, source: data?.source }).toEqual({ name, source: expect.stringMatching(/^[a-z][a-z0-9-]*$/) });
      expect({ name, declared: declared.has(data!.source) }).toEqual({ name, declared: true });
      used.add(data!.source);
    }
    expect(used.size).toBe(Object.keys(dataDirs).length);
  });
});

/** The command the compose file documents for the ring: its variable assignments, or undefined when it is missing. */
function documentedClusterCommand(): Env | undefined {
  const line = new RegExp(`^[ \\t]*#[ \\t]+((?:[A-Z_]+=\\S+ )+)docker compose --profile ${CASSANDRA_PROFILE} up$`, 'm').exec(composeText);
  if (!line) return undefined;
  return Object.fromEntries(line[1]!.trim().split(/\s+/).map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]));
}

describe('the cassandra-cluster profile', () => {
  const extraNodes = CASSANDRA_NODES.slice(1);

  it('adds cassandra-2 and cassandra-3 only in the profile; every other service runs without one', () => {
    const profiled = Object.entries(services).filter(([, service]) => service.profiles !== undefined);
    expect(Object.fromEntries(profiled.map(([name, service]) => [name, service.profiles]))).toEqual(Object.fromEntries(extraNodes.map((name) => [name, [CASSANDRA_PROFILE]])));
  });

  it('keeps a plain `docker compose up` working: no service outside the profile depends on one inside it', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.profiles?.includes(CASSANDRA_PROFILE)) continue;
      const inProfile = Object.keys(dependenciesOf(service)).filter((dependency) => services[dependency]?.profiles?.includes(CASSANDRA_PROFILE));
      expect({ name, inProfile }).toEqual({ name, inProfile: [] });
    }
  });

  it('joins the nodes one at a time: each waits until the previous one is healthy', () => {
    for (const [i, name] of extraNodes.entries()) {
      expect({ name, needs: dependenciesOf(services[name]!) }).toEqual({ name, needs: { [CASSANDRA_NODES[i]!]: 'service_healthy' } });
      expect({ name, healthcheck: healthcheckCommand(services[name]!) }).toEqual({ name, healthcheck: healthcheckCommand(services['cassandra']!) });
    }
  });

  it('makes one cluster in one data centre, the workers\' CASSANDRA_LOCAL_DATACENTER, all seeding from cassandra', () => {
    const envs = CASSANDRA_NODES.map((name) => environmentOf(services[name]!));
    const localDataCenter = interpolatedEnvironment(services['sink']!)['CASSANDRA_LOCAL_DATACENTER'];
    for (const [i, env] of envs.entries()) {
      const name = CASSANDRA_NODES[i]!;
      expect({ name, env }).toEqual({ name, env: envs[0] });
      expect({ name, seeds: env['CASSANDRA_SEEDS'], dc: env['CASSANDRA_DC'] }).toEqual({ name, seeds: 'cassandra', dc: localDataCenter });
      // The image writes CASSANDRA_DC into cassandra-rackdc.properties, which only this snitch reads.
      expect({ name, snitch: env['CASSANDRA_ENDPOINT_SNITCH'] }).toEqual({ name, snitch: 'GossipingPropertyFileSnitch' });
      expect({ name, heap: env['MAX_HEAP_SIZE'], newGen: env['HEAP_NEWSIZE'] }).toEqual({ name, heap: '1G', newGen: '200M' });
    }
    expect(envs[0]!['CASSANDRA_CLUSTER_NAME']).toBeTruthy();
  });

  it('gives the extra nodes no host port: the host reaches CQL on cassandra\'s 9042 only', () => {
    for (const name of extraNodes) expect({ name, ports: services[name]!.ports }).toEqual({ name, ports: undefined });
    expect(publishedPorts(services['cassandra']!)).toEqual([{ published: '9042', target: '9042' }]);
  });

  it('passes CASSANDRA_REPLICATION_FACTOR and CASSANDRA_CONTACT_POINTS from the shell, one node and RF 1 by default', () => {
    for (const name of PIPELINE_SERVICES) {
      const env = environmentOf(services[name]!);
      expect({ name, rf: env['CASSANDRA_REPLICATION_FACTOR'], contactPoints: env['CASSANDRA_CONTACT_POINTS'] }).toEqual({
        name,
        rf: '${CASSANDRA_REPLICATION_FACTOR:-1}',
        contactPoints: '${CASSANDRA_CONTACT_POINTS:-cassandra:9042}',
      });
    }
    const config = loadPipelineConfig(interpolatedEnvironment(services['sink']!));
    expect({ contactPoints: config.cassandra.contactPoints, rf: config.cassandra.replicationFactor }).toEqual({ contactPoints: ['cassandra:9042'], rf: 1 });
  });

  it('documents the command that runs the pipeline on all three nodes at RF 3 with LOCAL_QUORUM writes', () => {
    const shell = documentedClusterCommand();
    expect(shell).toEqual({ CASSANDRA_REPLICATION_FACTOR: '3', CASSANDRA_CONTACT_POINTS: CASSANDRA_NODES.map((name) => `${name}:9042`).join(',') });
    for (const name of PIPELINE_SERVICES) {
      const config = loadPipelineConfig(interpolatedEnvironment(services[name]!, shell));
      expect({ name, contactPoints: config.cassandra.contactPoints, rf: config.cassandra.replicationFactor, consistency: config.cassandra.writeConsistency, dc: config.cassandra.localDataCenter }).toEqual({
        name,
        contactPoints: CASSANDRA_NODES.map((node) => `${node}:9042`),
        rf: CASSANDRA_NODES.length,
        consistency: 'LOCAL_QUORUM',
        dc: environmentOf(services['cassandra']!)['CASSANDRA_DC'],
      });
    }
  });
});

describe('the pipeline containers\' environment', () => {
  it('sets only variables the app validates (PIPELINE_ENV_VARIABLES)', () => {
    for (const name of PIPELINE_SERVICES) expect({ name, unknown: unknownVariables(environmentOf(services[name]!)) }).toEqual({ name, unknown: [] });
  });

  it('the check catches a misspelt variable', () => {
    expect(unknownVariables({ ...environmentOf(services['sink']!), KAFKA_BROKER: 'kafka-1:19092' })).toEqual(['KAFKA_BROKER']);
  });

  it('sets what compose cannot do without: the servers, the credentials and the source', () => {
    for (const name of PIPELINE_SERVICES) {
      const env = interpolatedEnvironment(services[name]!);
      const missing = REQUIRED_IN_COMPOSE.filter((variable) => !env[variable]);
      expect({ name, missing }).toEqual({ name, missing: [] });
    }
  });

  it('is one shared block for the init job and both workers', () => {
    const [first, ...others] = PIPELINE_SERVICES.map((name) => environmentOf(services[name]!));
    for (const env of others) expect(env).toEqual(first);
  });

  it('validates through loadPipelineConfig and points at the compose servers and the public API', () => {
    const config = loadPipelineConfig(interpolatedEnvironment(services['sink']!));
    const [temporalHost, temporalPort] = config.temporal.address.split(':');
    expect(services[temporalHost!]).toBeDefined();
    expect(publishedPorts(services[temporalHost!]!).map((p) => p.target)).toContain(temporalPort);
    expect(config.kafka.brokers).toEqual(KAFKA_BROKERS.map((name) => `${name}:19092`));
    expect(config.kafka.replicationFactor).toBe(3);
    // docs/DOCKER.md's arithmetic: three consumers take two of six partitions each.
    expect(config.kafka.partitions).toBe(6);
    expect(config.cassandra.contactPoints).toEqual(['cassandra:9042']);
    expect(config.cassandra.replicationFactor).toBe(1);
    expect({ username: config.cassandra.credentials?.username, password: config.cassandra.credentials?.password.reveal() }).toEqual({ username: 'cassandra', password: 'cassandra' });
    expect(config.source.url).toBe('https://randomuser.me/api/');
  });

  it('takes overrides from the shell through ${VAR:-default}', () => {
    const config = loadPipelineConfig(interpolatedEnvironment(services['ingest']!, { SOURCE_URL: 'http://source.example:8088/api/', USERS_PER_SLOT: '25', SCHEDULE_INTERVAL: '' }));
    expect(config.source.url).toBe('http://source.example:8088/api/');
    expect(config.schedule.usersPerSlot).toBe(25);
    expect(config.schedule.intervalMs).toBe(10_000);
  });

  it('keeps the app\'s defaults for everything it does not deliberately override', () => {
    const env = interpolatedEnvironment(services['sink']!);
    const defaults = loadPipelineConfig({});
    for (const [name, value] of Object.entries(env)) {
      if (COMPOSE_OVERRIDES.has(name)) continue;
      expect({ name, config: loadPipelineConfig({ [name]: value }) }).toEqual({ name, config: defaults });
    }
  });
});

/** A compose CLI that can parse the file: the docker plugin, or a standalone docker-compose (v1 or v2). */
function composeCli(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return ['docker-compose'];
  return undefined;
}

describe('docker compose config', () => {
  const cli = composeCli();
  (cli ? it : it.skip)('accepts the file (runs when a compose CLI is installed; needs no Docker engine)', () => {
    const [command, ...args] = cli!;
    const result = spawnSync(command!, [...args, '-f', COMPOSE_FILE, 'config', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  }, 60_000);
});
