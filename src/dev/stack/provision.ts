import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type Progress = (message: string) => void;

/** A tool the stack needs is missing or broken; the message names it and says how to get it. */
export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

/** A provisioning step (build, download) failed; the message names it and where its log is. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

export function requireTool(command: string, purpose: string, install: string): void {
  // Only a missing executable matters here; each tool reports its own version errors later.
  const probe = spawnSync(command, ['-version'], { stdio: 'ignore' });
  if (probe.error) {
    throw new PrerequisiteError(`missing prerequisite: '${command}' is not on PATH (needed to ${purpose}; install ${install})`);
  }
}

/** Runs one provisioning command, logging to a file and reporting that it is still busy every 20 s. */
export function runStep(label: string, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string; progress: Progress }): Promise<void> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'w');
  const started = Date.now();
  options.progress(`${label} (log: ${options.logFile})`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', out, out] });
    const heartbeat = setInterval(() => {
      options.progress(`  still ${label.charAt(0).toLowerCase()}${label.slice(1)}: ${Math.round((Date.now() - started) / 1000)} s so far`);
    }, 20_000);
    const finish = (error?: Error) => {
      clearInterval(heartbeat);
      fs.closeSync(out);
      if (error) reject(error);
      else {
        options.progress(`  ${label.replace(/ \(first time.*$/, '')}: done in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      }
    };
    child.once('error', (error) => finish(new ProvisionError(`${label} could not start ${command}: ${error.message}`)));
    child.once('exit', (code) => {
      if (code === 0) finish();
      else finish(new ProvisionError(`${label} failed (exit ${code}); see ${options.logFile}`));
    });
  });
}

/** Short content hash, so a changed pom or version provisions into a new cache folder. */
export function contentHash(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 12);
}

/** Marks a cache folder complete only after its content is in place, so an interrupted step is redone. */
export function isComplete(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.complete'));
}

export function markComplete(dir: string): void {
  fs.writeFileSync(path.join(dir, '.complete'), new Date().toISOString());
}

/**
 * Resolves the runtime classpath of a pom from Maven Central into `<target>/lib`.
 * Used for Kafka and Cassandra, whose server jars are published there with their dependencies.
 */
export async function provisionMavenClasspath(label: string, pomFile: string, target: string, logFile: string, progress: Progress): Promise<string> {
  const lib = path.join(target, 'lib');
  if (isComplete(target)) return lib;
  requireTool('java', `run ${label}`, 'a Java 17 JDK, e.g. apt-get install openjdk-17-jdk-headless');
  requireTool('mvn', `download ${label} from Maven Central`, 'Maven, e.g. apt-get install maven');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  await runStep(`Downloading ${label} and its dependencies from Maven Central`, 'mvn', [
    '-B', '-q', '-f', pomFile, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`,
  ], { logFile, progress });
  markComplete(target);
  return lib;
}
