import type { LaunchSpec } from './processes';
import type { Progress } from './provision';
import type { StackSettings } from './settings';

export interface Endpoint {
  host: string;
  port: number;
}

export interface StackContext {
  settings: StackSettings;
  progress: Progress;
}

/** One server of the local stack: how to provision, configure, start and probe it. */
export interface StackService {
  /** Unique within the stack: `kafka-2` for the second node of a three-broker stack. */
  readonly name: string;
  readonly kind: 'temporal' | 'kafka' | 'cassandra';
  /** Addresses and ports the server listens on; all must be free before it starts. */
  ports(settings: StackSettings): Endpoint[];
  /** Builds or downloads the server into the cache; a no-op when the cache already holds it. */
  provision(context: StackContext): Promise<void>;
  /** Writes configuration and formats storage under the data folder; idempotent. */
  prepare(context: StackContext): Promise<void>;
  launchSpec(settings: StackSettings): LaunchSpec;
  /** Resolves when the server answers a real request; rejects with the reason otherwise. */
  probe(settings: StackSettings): Promise<void>;
  /** Human-readable addresses, one per line. */
  addresses(settings: StackSettings): string[];
}
