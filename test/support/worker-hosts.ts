import { execFileSync } from 'node:child_process';

/**
 * Worker hosts of their own on this machine: one network namespace per host, joined by a veth link to
 * a bridge on the machine. The bridge holds the machine's side (10.213.0.1–3: the servers of a stack
 * started with STACK_HOST=10.213.0.1 listen there); host i is 10.213.0.(10 + i). No route leads
 * anywhere else: the namespaces reach the bridge's addresses and each other, nothing more.
 *
 * Every name starts with `rnp-`, so a run that died half-way is cleaned up by the next one
 * (`removeTestNetwork`, called before creating and after every run).
 */
export const TEST_NETWORK = {
  bridge: 'rnp-br0',
  prefix: '10.213.0',
  /** The machine's side of the links: the servers' addresses. */
  machineAddresses: ['10.213.0.1', '10.213.0.2', '10.213.0.3'],
} as const;

const NAMESPACE_PREFIX = 'rnp-h';
/** The nftables table a cut or a partial partition lives in, inside the host's namespace. */
const CUT_TABLE = 'rnp_cut';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function nftIn(namespace: string, ruleset: string): void {
  execFileSync('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], { input: ruleset, stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface WorkerHost {
  /** The namespace's name: `ip netns exec <name> …` runs a process on this host. */
  name: string;
  address: string;
}

/** Removes every namespace and link a run of these tests made, killing what still runs inside. */
export function removeTestNetwork(): void {
  const namespaces = ip('netns', 'list').split('\n').map((line) => line.split(' ')[0]!).filter((name) => name.startsWith(NAMESPACE_PREFIX));
  for (const namespace of namespaces) {
    const pids = ip('netns', 'pids', namespace).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    ip('netns', 'delete', namespace);
  }
  // Deleting a namespace deletes its end of each veth pair, and with it (a moment later) the machine's end.
  for (const link of testLinks()) {
    try {
      ip('link', 'delete', link);
    } catch (error) {
      if (testLinks().includes(link)) throw error;
    }
  }
}

function testLinks(): string[] {
  return ip('-o', 'link', 'show').split('\n').map((line) => line.split(': ')[1]?.split('@')[0]).filter((name): name is string => !!name && name.startsWith('rnp-'));
}

/** What is left of the test network: namespaces and links whose names start with `rnp-`. */
export function testNetworkLeftovers(): string[] {
  const namespaces = ip('netns', 'list').split('\n').map((line) => line.split(' ')[0]!).filter((name) => name.startsWith(NAMESPACE_PREFIX));
  return [...namespaces, ...testLinks()];
}

/** The bridge with the machine's addresses, and `count` hosts on it. Removes any leftovers first. */
export function createWorkerHosts(count: number): WorkerHost[] {
  removeTestNetwork();
  const { bridge, prefix, machineAddresses } = TEST_NETWORK;
  ip('link', 'add', bridge, 'type', 'bridge');
  for (const address of machineAddresses) ip('addr', 'add', `${address}/24`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  const hosts: WorkerHost[] = [];
  for (let i = 1; i <= count; i += 1) {
    const name = `${NAMESPACE_PREFIX}${i}`;
    const address = `${prefix}.${10 + i}`;
    const outside = `rnp-h${i}-m`;
    const inside = `rnp-h${i}-n`;
    ip('netns', 'add', name);
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', name);
    ip('link', 'set', outside, 'master', bridge);
    ip('link', 'set', outside, 'up');
    ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', inside);
    ip('-n', name, 'link', 'set', inside, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
    hosts.push({ name, address });
  }
  return hosts;
}

/** The rules of a cut, in place of any before it, in one transaction: no packet slips through between them. */
function replaceCut(host: WorkerHost, table: string): void {
  nftIn(host.name, `table inet ${CUT_TABLE}\ndelete table inet ${CUT_TABLE}\n${table}`);
}

/** Drops every packet the host sends or receives (loopback inside it aside): a host cut off from the network. */
export function cutOff(host: WorkerHost): void {
  replaceCut(host, `table inet ${CUT_TABLE} {
  chain out { type filter hook output priority 0; policy drop; oif "lo" accept; }
  chain in { type filter hook input priority 0; policy drop; iif "lo" accept; }
}
`);
}

/** Drops the host's traffic to and from some servers (address and port each): a partial partition. */
export function cutFrom(host: WorkerHost, ...servers: { address: string; port: number }[]): void {
  const out = servers.map((s) => `ip daddr ${s.address} tcp dport ${s.port} drop;`).join(' ');
  const inbound = servers.map((s) => `ip saddr ${s.address} tcp sport ${s.port} drop;`).join(' ');
  replaceCut(host, `table inet ${CUT_TABLE} {
  chain out { type filter hook output priority 0; ${out} }
  chain in { type filter hook input priority 0; ${inbound} }
}
`);
}

/** Lifts a cut or a partial partition. */
export function heal(host: WorkerHost): void {
  nftIn(host.name, `delete table inet ${CUT_TABLE}\n`);
}
