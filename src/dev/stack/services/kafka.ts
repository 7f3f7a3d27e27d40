import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { contentHash, provisionMavenClasspath } from '../provision';
import type { StackSettings } from '../settings';
import type { StackService } from '../service';
import { ensureStackTls, stackTlsFiles } from '../tls';

const POM = path.resolve(__dirname, '..', '..', '..', '..', 'stack', 'maven', 'kafka', 'pom.xml');

function libDir(settings: StackSettings): string {
  return path.join(settings.cacheDir, 'kafka', contentHash(fs.readFileSync(POM, 'utf8')), 'lib');
}

/** The local stack's SASL/PLAIN user, for clients that connect on the SASL listener. */
export function kafkaSaslUser(settings: StackSettings) {
  return { mechanism: 'plain' as const, username: settings.kafka.saslUsername, password: settings.kafka.saslPassword };
}

/** Ports of one node: each further node of a multi-broker stack sits 10 above the one before. */
export function kafkaNodePorts(settings: StackSettings, nodeId: number) {
  const offset = 10 * (nodeId - 1);
  return {
    port: settings.kafka.port + offset,
    controllerPort: settings.kafka.controllerPort + offset,
    saslPort: settings.kafka.saslPort + offset,
    sslPort: settings.tls.kafkaSslPort + offset,
    saslSslPort: settings.tls.kafkaSaslSslPort + offset,
  };
}

/** Every node's client (PLAINTEXT) address, for KAFKA_BROKERS. */
export function kafkaBootstrap(settings: StackSettings): string[] {
  return Array.from({ length: settings.kafka.brokers }, (_, i) => `${settings.host}:${kafkaNodePorts(settings, i + 1).port}`);
}

function nodeName(settings: StackSettings, nodeId: number): string {
  return settings.kafka.brokers === 1 ? 'kafka' : `kafka-${nodeId}`;
}

function kafkaDir(settings: StackSettings, nodeId: number): string {
  return path.join(settings.dataDir, nodeName(settings, nodeId));
}

/**
 * One combined broker+controller in KRaft mode. With one node, internal topics have replication
 * factor 1; with three, every node votes and topics default to replication factor 3, min ISR 2.
 * Each node also has a SASL/PLAIN listener with the stack's one user.
 */
function serverProperties(settings: StackSettings, nodeId: number): string {
  const { port, controllerPort, saslPort, sslPort, saslSslPort } = kafkaNodePorts(settings, nodeId);
  const count = settings.kafka.brokers;
  const voters = Array.from({ length: count }, (_, i) => `${i + 1}@${settings.host}:${kafkaNodePorts(settings, i + 1).controllerPort}`).join(',');
  const replication = Math.min(3, count);
  const minIsr = count >= 3 ? 2 : 1;
  const { saslUsername, saslPassword } = settings.kafka;
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required user_${saslUsername}="${saslPassword}";`;
  const tls = settings.tls.enabled ? stackTlsFiles(settings) : undefined;
  const { host } = settings;
  const clientListeners = [`PLAINTEXT://${host}:${port}`, `SASL_PLAINTEXT://${host}:${saslPort}`, ...(tls ? [`SSL://127.0.0.1:${sslPort}`, `SASL_SSL://127.0.0.1:${saslSslPort}`] : [])];
  return [
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=${[...clientListeners, `CONTROLLER://${host}:${controllerPort}`].join(',')}`,
    `advertised.listeners=${clientListeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT${tls ? ',SSL:SSL,SASL_SSL:SASL_SSL' : ''}`,
    'inter.broker.listener.name=PLAINTEXT',
    'sasl.enabled.mechanisms=PLAIN',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=${jaas}`,
    // STACK_TLS=1: SSL requires a client certificate signed by the stack's CA; SASL_SSL takes the
    // SASL user over TLS without one.
    ...(tls
      ? [
          'ssl.keystore.type=PEM',
          `ssl.keystore.location=${tls.serverKeyAndCert}`,
          'ssl.truststore.type=PEM',
          `ssl.truststore.location=${tls.ca}`,
          'listener.name.ssl.ssl.client.auth=required',
          'listener.name.sasl_ssl.ssl.client.auth=none',
          `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaas}`,
        ]
      : []),
    `log.dirs=${path.join(kafkaDir(settings, nodeId), 'data')}`,
    'num.partitions=6',
    `default.replication.factor=${replication}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${replication}`,
    'offsets.topic.num.partitions=6',
    `transaction.state.log.replication.factor=${replication}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${replication}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    // A local broker serves one consumer group at a time; waiting for more members only slows tests.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

const LOG4J2 = [
  'status = warn',
  'appender.console.type = Console',
  'appender.console.name = STDOUT',
  'appender.console.layout.type = PatternLayout',
  'appender.console.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = info',
  'rootLogger.appenderRef.stdout.ref = STDOUT',
  'logger.kafka.name = kafka',
  'logger.kafka.level = warn',
  'logger.apache.name = org.apache.kafka',
  'logger.apache.level = warn',
  '',
].join('\n');

function javaArgs(settings: StackSettings, nodeId: number, mainClass: string, ...args: string[]): string[] {
  return [
    `-Xms${settings.kafka.heap}`, `-Xmx${settings.kafka.heap}`,
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(kafkaDir(settings, nodeId), 'log4j2.properties')}`,
    '-cp', path.join(libDir(settings), '*'),
    mainClass, ...args,
  ];
}

/** Every node of one stack shares a cluster id, written by whichever node is formatted first. */
function clusterId(settings: StackSettings): string {
  const file = path.join(settings.dataDir, 'kafka-cluster.id');
  // An id starting with "-" reads as an option to kafka-storage, so no storage was ever formatted with one.
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8').startsWith('-')) {
    fs.mkdirSync(settings.dataDir, { recursive: true });
    // A Kafka cluster id is 16 random bytes in URL-safe base64 without padding; like Kafka's own ids,
    // never one that starts with "-" (one in 64 would).
    let id: string;
    do id = randomBytes(16).toString('base64url');
    while (id.startsWith('-'));
    fs.writeFileSync(file, id);
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** The Kafka nodes of the stack: one by default, three with STACK_KAFKA_BROKERS=3. */
export function kafkaServices(settings: StackSettings): StackService[] {
  return Array.from({ length: settings.kafka.brokers }, (_, i) => kafkaNode(settings, i + 1));
}

function kafkaNode(forSettings: StackSettings, nodeId: number): StackService {
  const count = forSettings.kafka.brokers;
  return {
    name: nodeName(forSettings, nodeId),
    kind: 'kafka',

    ports: (settings) => {
      const { sslPort, saslSslPort, ...plain } = kafkaNodePorts(settings, nodeId);
      return [...Object.values(plain), ...(settings.tls.enabled ? [sslPort, saslSslPort] : [])].map((port) => ({ host: settings.host, port }));
    },

    async provision({ settings, progress }) {
      await provisionMavenClasspath('Kafka 4.1 KRaft broker', POM, path.dirname(libDir(settings)), path.join(settings.dataDir, 'logs', 'provision-kafka.log'), progress);
    },

    async prepare({ settings, progress }) {
      const dir = kafkaDir(settings, nodeId);
      fs.mkdirSync(dir, { recursive: true });
      if (settings.tls.enabled) ensureStackTls(settings);
      fs.writeFileSync(path.join(dir, 'server.properties'), serverProperties(settings, nodeId));
      fs.writeFileSync(path.join(dir, 'log4j2.properties'), LOG4J2);
      if (fs.existsSync(path.join(dir, 'data', 'meta.properties'))) return;
      progress(`Formatting ${nodeName(settings, nodeId)} storage (first start)`);
      const result = spawnSync('java', javaArgs(settings, nodeId, 'kafka.tools.StorageTool', 'format', '-t', clusterId(settings), '-c', path.join(dir, 'server.properties')), { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`formatting Kafka storage failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
    },

    launchSpec: (settings) => ({
      name: nodeName(settings, nodeId),
      command: 'java',
      args: javaArgs(settings, nodeId, 'kafka.Kafka', path.join(kafkaDir(settings, nodeId), 'server.properties')),
      cwd: kafkaDir(settings, nodeId),
      logFile: path.join(settings.dataDir, 'logs', `${nodeName(settings, nodeId)}.log`),
      marker: 'kafka.Kafka',
    }),

    async probe(settings) {
      const kafka = new Kafka({
        clientId: 'stack-probe',
        brokers: [`${settings.host}:${kafkaNodePorts(settings, nodeId).port}`],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 2000,
        retry: { retries: 0 },
      });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const cluster = await admin.describeCluster();
        if (!cluster.brokers.some((b) => b.nodeId === nodeId)) throw new Error(`node ${nodeId} not registered yet`);
      } finally {
        await admin.disconnect();
      }
    },

    addresses: (settings) => {
      const ports = kafkaNodePorts(settings, nodeId);
      const what = count === 1 ? 'KRaft, one broker' : `KRaft, node ${nodeId} of ${count}`;
      return [
        `bootstrap ${settings.host}:${ports.port} (${what}); SASL/PLAIN ${settings.host}:${ports.saslPort}`,
        ...(settings.tls.enabled ? [`TLS 127.0.0.1:${ports.sslPort} (client certificate required); SASL/PLAIN over TLS 127.0.0.1:${ports.saslSslPort}`] : []),
      ];
    },
  };
}
