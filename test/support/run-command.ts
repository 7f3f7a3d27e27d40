import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs a command to completion with extra environment, capturing its output. */
export function runCommand(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Our `pipeline` command, as a user runs it (bin/pipeline.js). */
export function runPipeline(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runCommand(process.execPath, [path.join(ROOT, 'bin', 'pipeline.js'), ...args], env);
}

/**
 * Runs a command twice, its stdout once into a pipe read to the end and once into a file, so a test can
 * compare what a pipe got with what the command wrote.
 */
export async function runThroughPipeAndIntoFile(command: string, args: string[], env: Record<string, string> = {}): Promise<{ piped: CommandResult; intoFile: CommandResult }> {
  const piped = await new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    // 'close', not 'exit': every byte the pipe carried is read by then.
    child.once('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr }));
  });
  return { piped, intoFile: await runCommandIntoFile(command, args, env) };
}

/** Runs a command as runCommand does, with its stdout going into a file instead of a pipe; returns what the file holds. */
export async function runCommandIntoFile(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CommandResult> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stdout-')), 'stdout');
  const out = fs.openSync(file, 'w');
  try {
    const result = await new Promise<CommandResult>((resolve, reject) => {
      const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout: '', stderr });
      });
    });
    return { ...result, stdout: fs.readFileSync(file, 'utf8') };
  } finally {
    fs.closeSync(out);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
