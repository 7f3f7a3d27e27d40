import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { contentHash, provisionMavenClasspath } from '../provision';
import type { StackSettings } from '../settings';
import type { StackService } from '../service';

const POM = path.resolve(__dirname, '..', '..', '..', 'stack', 'maven', 'kafka', 'pom.xml');

function libDir(settings: StackSettings): string {
  return path.join(settings.cacheDir, 'kafka', contentHash(fs.readFileSync(POM, 'utf8')), 'lib');
}

function kafkaDir(settings: StackSettings): string {
  return path.join(settings.dataDir, 'kafka');
}

/** Single combined broker+controller in KRaft mode; replication factors of internal topics are 1. */
function serverProperties(settings: StackSettings): string {
  const { port, controllerPort } = settings.kafka;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${path.join(kafkaDir(settings), 'data')}`,
    'num.partitions=6',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
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

function javaArgs(settings: StackSettings, mainClass: string, ...args: string[]): string[] {
  return [
    `-Xms${settings.kafka.heap}`, `-Xmx${settings.kafka.heap}`,
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(kafkaDir(settings), 'log4j2.properties')}`,
    '-cp', path.join(libDir(settings), '*'),
    mainClass, ...args,
  ];
}

export const kafkaService: StackService = {
  name: 'kafka',

  ports: (settings) => [settings.kafka.port, settings.kafka.controllerPort],

  async provision({ settings, progress }) {
    await provisionMavenClasspath('Kafka 4.1 KRaft broker', POM, path.dirname(libDir(settings)), path.join(settings.dataDir, 'logs', 'provision-kafka.log'), progress);
  },

  async prepare({ settings, progress }) {
    const dir = kafkaDir(settings);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'server.properties'), serverProperties(settings));
    fs.writeFileSync(path.join(dir, 'log4j2.properties'), LOG4J2);
    if (fs.existsSync(path.join(dir, 'data', 'meta.properties'))) return;
    progress('Formatting Kafka storage (first start)');
    // A Kafka cluster id is 16 random bytes in URL-safe base64 without padding.
    const clusterId = randomBytes(16).toString('base64url');
    const result = spawnSync('java', javaArgs(settings, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', path.join(dir, 'server.properties')), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`formatting Kafka storage failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
  },

  launchSpec: (settings) => ({
    name: 'kafka',
    command: 'java',
    args: javaArgs(settings, 'kafka.Kafka', path.join(kafkaDir(settings), 'server.properties')),
    cwd: kafkaDir(settings),
    logFile: path.join(settings.dataDir, 'logs', 'kafka.log'),
    marker: 'kafka.Kafka',
  }),

  async probe(settings) {
    const kafka = new Kafka({
      clientId: 'stack-probe',
      brokers: [`127.0.0.1:${settings.kafka.port}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
    } finally {
      await admin.disconnect();
    }
  },

  addresses: (settings) => [`bootstrap 127.0.0.1:${settings.kafka.port} (KRaft, one broker)`],
};
