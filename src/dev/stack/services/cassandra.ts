import fs from 'node:fs';
import path from 'node:path';
import { Client, auth, policies } from 'cassandra-driver';
import { contentHash, provisionMavenClasspath } from '../provision';
import type { StackSettings } from '../settings';
import type { StackService } from '../service';
import { ensureStackTls, stackTlsFiles } from '../tls';

const POM = path.resolve(__dirname, '..', '..', '..', '..', 'stack', 'maven', 'cassandra', 'pom.xml');

/** The superuser Cassandra creates on first start when PasswordAuthenticator is on. */
export const DEFAULT_CASSANDRA_CREDENTIALS = { username: 'cassandra', password: 'cassandra' };

function libDir(settings: StackSettings): string {
  return path.join(settings.cacheDir, 'cassandra', contentHash(fs.readFileSync(POM, 'utf8')), 'lib');
}

/** `cassandra` for a one-node stack; `cassandra-1` … `cassandra-3` for a ring. */
function nodeName(settings: StackSettings, nodeId: number): string {
  return settings.cassandra.addresses.length === 1 ? 'cassandra' : `cassandra-${nodeId}`;
}

function cassandraDir(settings: StackSettings, nodeId: number): string {
  return path.join(settings.dataDir, nodeName(settings, nodeId));
}

/** Node `nodeId`'s own address, and its JMX port (on loopback, so one per node). */
export function cassandraNode(settings: StackSettings, nodeId: number) {
  return { address: settings.cassandra.addresses[nodeId - 1]!, jmxPort: settings.cassandra.jmxPort + 100 * (nodeId - 1) };
}

/**
 * Tokens: a lone node takes 16 random ones. A ring's nodes each take one token, evenly spaced over
 * Murmur3's range (as ccm does), and all are seeds: a new, empty ring starts all at once with no
 * bootstrap streaming, and every node owns a third of the ring.
 */
function tokens(settings: StackSettings, nodeId: number): string {
  const count = settings.cassandra.addresses.length;
  if (count === 1) return 'num_tokens: 16';
  const token = -(2n ** 63n) + ((2n ** 64n) / BigInt(count)) * BigInt(nodeId - 1);
  return `num_tokens: 1\ninitial_token: ${token}\nauto_bootstrap: false`;
}

function cassandraYaml(settings: StackSettings, nodeId: number): string {
  const dir = cassandraDir(settings, nodeId);
  const { port, storagePort, auth: mode, addresses } = settings.cassandra;
  const { address } = cassandraNode(settings, nodeId);
  const password = mode === 'password';
  return `# Written by the local stack on every start; edit src/dev/stack/services/cassandra.ts instead.
cluster_name: local-stack
${tokens(settings, nodeId)}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
authenticator: ${password ? 'PasswordAuthenticator' : 'AllowAllAuthenticator'}
authorizer: ${password ? 'CassandraAuthorizer' : 'AllowAllAuthorizer'}
role_manager: CassandraRoleManager
data_file_directories: [${path.join(dir, 'data')}]
commitlog_directory: ${path.join(dir, 'commitlog')}
saved_caches_directory: ${path.join(dir, 'saved_caches')}
hints_directory: ${path.join(dir, 'hints')}
cdc_raw_directory: ${path.join(dir, 'cdc_raw')}
# A write is acknowledged only once its commit log entry is synced to disk (writes waiting together
# share one sync). With periodic sync (Cassandra's default), a node killed with kill -9 replays only
# what its last periodic sync covered and loses up to commitlog_sync_period of acknowledged writes,
# which a lone node has no other replica of; the sink commits Kafka offsets on that acknowledgement.
# The price is write rate: see docs/BENCHMARKS.md.
commitlog_sync: batch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${addresses.map((a) => `${a}:${storagePort}`).join(',')}"
listen_address: ${address}
storage_port: ${storagePort}
rpc_address: ${address}
native_transport_port: ${port}
start_native_transport: true
endpoint_snitch: SimpleSnitch
# Sized for a 2-core machine that also runs Kafka and Temporal (and, in a ring, two more nodes). A
# write thread waits for the commit log's sync, so more of them keep the disk's syncs full.
concurrent_reads: 16
concurrent_writes: 128
concurrent_compactors: 1
# Tests drop and recreate tables; snapshots on drop would only fill the disk.
auto_snapshot: false
# The sink writes unlogged batches of rows that share a replica set, capped at 48 000 estimated bytes
# (CASSANDRA_WRITE_BATCH_BYTES, Cassandra's own count of a batch's size) to stay under this warn
# threshold and the default fail threshold of 50 KiB, which stays. The
# default warn threshold (5 KiB, about a dozen rows) would log a warning for nearly every batch.
batch_size_warn_threshold: 48KiB
${settings.tls.enabled ? clientEncryption(settings) : ''}`;
}

/**
 * STACK_TLS=1: TLS on the native port, alongside plaintext (optional), with a client certificate signed
 * by the stack's CA required of every TLS client; keys and certificates read as PEM.
 */
function clientEncryption(settings: StackSettings): string {
  const tls = stackTlsFiles(settings);
  return `client_encryption_options:
  enabled: true
  optional: true
  require_client_auth: true
  ssl_context_factory:
    class_name: org.apache.cassandra.security.PEMBasedSslContextFactory
  keystore: ${tls.serverKeyAndCert}
  truststore: ${tls.ca}
`;
}

const LOGBACK = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`;

/** The module flags Cassandra 5.0 needs on Java 17 (its jvm17-server.options). */
const JAVA17_MODULE_FLAGS = [
  ...['java.base/jdk.internal.misc', 'java.base/jdk.internal.ref', 'java.base/sun.nio.ch', 'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry', 'java.rmi/sun.rmi.server', 'java.sql/java.sql', 'java.base/java.lang.ref', 'jdk.unsupported/sun.misc',
  ].flatMap((pkg) => ['--add-exports', `${pkg}=ALL-UNNAMED`]),
  ...['java.base/java.lang.module', 'java.base/jdk.internal.loader', 'java.base/jdk.internal.ref', 'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math', 'java.base/jdk.internal.module', 'java.base/jdk.internal.util.jar', 'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch', 'java.base/java.io', 'java.base/java.nio', 'java.base/java.util.concurrent', 'java.base/java.util',
    'java.base/java.util.concurrent.atomic', 'java.base/java.lang', 'java.base/java.math', 'java.base/java.lang.reflect', 'java.base/java.net',
  ].flatMap((pkg) => ['--add-opens', `${pkg}=ALL-UNNAMED`]),
];

/** The Cassandra nodes of the stack: one by default, a ring of three with STACK_CASSANDRA_NODES=3. */
export function cassandraServices(settings: StackSettings): StackService[] {
  return settings.cassandra.addresses.map((_, i) => cassandraNodeService(settings, i + 1));
}

function cassandraNodeService(forSettings: StackSettings, nodeId: number): StackService {
  const count = forSettings.cassandra.addresses.length;
  return {
    name: nodeName(forSettings, nodeId),
    kind: 'cassandra',

    ports: (settings) => {
      const { address, jmxPort } = cassandraNode(settings, nodeId);
      return [{ host: address, port: settings.cassandra.port }, { host: address, port: settings.cassandra.storagePort }, { host: '127.0.0.1', port: jmxPort }];
    },

    async provision({ settings, progress }) {
      await provisionMavenClasspath('Cassandra 5.0', POM, path.dirname(libDir(settings)), path.join(settings.dataDir, 'logs', 'provision-cassandra.log'), progress);
    },

    async prepare({ settings }) {
      const dir = cassandraDir(settings, nodeId);
      fs.mkdirSync(dir, { recursive: true });
      if (settings.tls.enabled) ensureStackTls(settings);
      fs.writeFileSync(path.join(dir, 'cassandra.yaml'), cassandraYaml(settings, nodeId));
      fs.writeFileSync(path.join(dir, 'logback.xml'), LOGBACK);
    },

    launchSpec: (settings) => {
      const dir = cassandraDir(settings, nodeId);
      return {
        name: nodeName(settings, nodeId),
        command: 'java',
        args: [
          `-Xms${settings.cassandra.heap}`, `-Xmx${settings.cassandra.heap}`,
          '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=300', '-XX:+ExitOnOutOfMemoryError', '-Xss256k',
          '-Djdk.attach.allowAttachSelf=true', '-Djava.net.preferIPv4Stack=true',
          ...JAVA17_MODULE_FLAGS,
          `-Dcassandra.config=file://${path.join(dir, 'cassandra.yaml')}`,
          `-Dlogback.configurationFile=${path.join(dir, 'logback.xml')}`,
          `-Dcassandra.storagedir=${dir}`,
          `-Dcassandra.logdir=${path.join(settings.dataDir, 'logs')}`,
          `-Dcassandra.jmx.local.port=${cassandraNode(settings, nodeId).jmxPort}`,
          '-Dcassandra-foreground=yes',
          // A lone node has nothing to gossip with, and a new ring's nodes are all seeds with their
          // tokens set: skip the waits meant for nodes joining a live cluster.
          '-Dcassandra.skip_wait_for_gossip_to_settle=0',
          '-Dcassandra.ring_delay_ms=1000',
          // With PasswordAuthenticator, create the default superuser at once instead of after 10 s.
          '-Dcassandra.superuser_setup_delay_ms=0',
          '-cp', path.join(libDir(settings), '*'),
          'org.apache.cassandra.service.CassandraDaemon',
        ],
        cwd: dir,
        logFile: path.join(settings.dataDir, 'logs', `${nodeName(settings, nodeId)}.log`),
        marker: 'CassandraDaemon',
      };
    },

    /** The node itself answers CQL (asked on its own connection), and in a ring it sees every node up. */
    async probe(settings) {
      const { address } = cassandraNode(settings, nodeId);
      const endpoint = `${address}:${settings.cassandra.port}`;
      const client = new Client({
        contactPoints: [endpoint],
        localDataCenter: 'datacenter1',
        socketOptions: { connectTimeout: 2000 },
        policies: { loadBalancing: new policies.loadBalancing.AllowListPolicy(new policies.loadBalancing.RoundRobinPolicy(), [endpoint]) },
        ...(settings.cassandra.auth === 'password'
          ? { authProvider: new auth.PlainTextAuthProvider(DEFAULT_CASSANDRA_CREDENTIALS.username, DEFAULT_CASSANDRA_CREDENTIALS.password) }
          : {}),
      });
      try {
        await client.connect();
        await client.execute('SELECT release_version FROM system.local');
        if (count > 1) {
          const peers = await client.execute('SELECT peer FROM system.peers_v2');
          if (peers.rows.length < count - 1) throw new Error(`sees ${peers.rows.length} of ${count - 1} other nodes`);
        }
      } finally {
        await client.shutdown();
      }
    },

    addresses: (settings) => {
      const { address } = cassandraNode(settings, nodeId);
      const what = count === 1 ? 'datacenter1' : `datacenter1, node ${nodeId} of ${count}`;
      return [
        `CQL ${address}:${settings.cassandra.port} (${what}, ${settings.cassandra.auth === 'password' ? 'user cassandra / password cassandra' : 'no authentication'}${settings.tls.enabled ? '; TLS too, with a client certificate' : ''})`,
      ];
    },
  };
}
